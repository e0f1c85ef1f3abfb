"""bench/report.py keeps what people wrote after a section when a benchmark rewrites
docs/performance.md (only the sections that ran are replaced)."""

from bench import report


def _section(name: str, figure: str) -> str:
    return (
        f"<!-- bench:{name} -->\n## {name}\n\n- **Targets**: ✅ all met\n"
        f"- **Run**: 2026-12-01 07:00 UTC · x\n\n{figure}\n<!-- /bench:{name} -->\n"
    )


def test_a_rewrite_keeps_the_readings_after_sections(tmp_path):
    path = tmp_path / "performance.md"
    order = [("one", "One"), ("two", "Two")]
    report.write(path, order, {"one": _section("one", "old one"), "two": _section("two", "2")})
    text = path.read_text()
    text = text.replace(
        "<!-- /bench:one -->\n", "<!-- /bench:one -->\n\nReading: one is fine.\n", 1
    )
    path.write_text(text)
    report.write(path, order, {"one": _section("one", "new one")})
    again = path.read_text()
    assert "new one" in again and "old one" not in again
    assert again.count("Reading: one is fine.") == 1
    assert again.index("new one") < again.index("Reading: one is fine.") < again.index("## two")
    report.write(path, order, {"two": _section("two", "3")})
    assert path.read_text().count("Reading: one is fine.") == 1
