"""docs/performance.md: one section per benchmark, rewritten only for the ones that ran.

Each section sits between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` markers,
so ``make bench ONLY=load`` replaces the load section and keeps every other one as
it was (with its own date and machine). Sections appear in the registry's order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HEADER = """# Performance

Figures written by `make bench` (`python -m bench`; `make bench ONLY=load,faults` runs a
subset and leaves the other sections as they were). Each section says when it ran, on
what machine and under what load: the machines are shared with other work, so expect
noise, and compare figures from the same run. How to add a benchmark: `bench/README.md`.

| benchmark | targets | last run |
|---|---|---|
{index}
"""

SECTION = re.compile(
    r"<!-- bench:(?P<name>[a-z0-9_]+) -->\n(?P<body>.*?)<!-- /bench:(?P=name) -->\n?", re.S
)


LEGACY = re.compile(r"<!-- (?P<name>[a-z0-9-]+):start -->\n.*?<!-- (?P=name):end -->", re.S)


def mark(met) -> str:
    return {True: "✅ met", False: "❌ not met", None: "—"}[met]


def fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    if value is None:
        return "—"
    return str(value).replace("|", "\\|").replace("\n", " ")


def overall(result: dict) -> bool | None:
    """Met when every figure with a target is met; None when none has one."""
    if "error" in result:
        return False
    verdicts = [f.get("met") for f in result.get("figures", []) if f.get("met") is not None]
    if not verdicts:
        return None
    return all(verdicts)


def _flatten(data, prefix: str = "", depth: int = 0) -> list[tuple[str, object]]:
    if isinstance(data, dict) and depth < 3:
        rows = []
        for key, value in data.items():
            rows += _flatten(value, f"{prefix}.{key}" if prefix else str(key), depth + 1)
        return rows
    if isinstance(data, list | tuple) and all(not isinstance(x, dict | list) for x in data):
        return [(prefix, ", ".join(fmt(x) for x in data))]
    if isinstance(data, dict | list | tuple):
        return [(prefix, json.dumps(data, ensure_ascii=False)[:200])]
    return [(prefix, data)]


def figures_table(figures: list[dict]) -> str:
    lines = ["| figure | value | target | |", "|---|---:|---|---|"]
    for f in figures:
        value = fmt(f.get("value"))
        if f.get("unit"):
            value = f"{value} {f['unit']}"
        note = f" ({f['note']})" if f.get("note") else ""
        lines.append(
            f"| {fmt(f.get('name'))}{note} | {value} | {fmt(f.get('target') or '')} |"
            f" {mark(f.get('met')) if f.get('target') else ''} |"
        )
    return "\n".join(lines)


def generic_table(result: dict) -> str:
    """For a module whose result has no ``figures``: every scalar it returned."""
    rows = [(k, v) for k, v in _flatten(result) if k and not k.startswith("_")]
    lines = ["| measured | value |", "|---|---:|"]
    lines += [f"| {fmt(k)} | {fmt(v)} |" for k, v in rows]
    return "\n".join(lines)


def section(name: str, title: str, run: dict, details: str = "") -> str:
    """Markdown for one benchmark run: heading, when/where, the table, the details."""
    result = run["result"]
    m = run["machine"]
    load = ", ".join(f"{x:.2f}" for x in run["load_before"])
    load_after = ", ".join(f"{x:.2f}" for x in run["load_after"])
    verdict = overall(result)
    targets = {True: "✅ all met", False: "❌ not all met", None: "— none set"}[verdict]
    parts = [
        f"<!-- bench:{name} -->",
        f"## {title}",
        "",
        f"- **Targets**: {targets}",
        f"- **Run**: {run['date']} · `make bench ONLY={name}` · {run['seconds']:.0f} s",
        f"- **Machine**: {m['nproc']} cores ({m['cpu']}), {m['ram']} memory, {m['system']},"
        f" Python {m['python']}",
        f"- **Load average** (1, 5, 15 min): {load} before, {load_after} after",
        "",
    ]
    if "error" in result:
        parts += ["**The benchmark failed to run:**", "", "```", result["error"][-3000:], "```", ""]
    elif result.get("figures"):
        parts += [figures_table(result["figures"]), ""]
    else:
        parts += [generic_table(result), ""]
    if result.get("notes"):
        parts += [result["notes"].strip(), ""]
    if details:
        parts += [details.strip(), ""]
    parts.append(f"<!-- /bench:{name} -->")
    return "\n".join(parts) + "\n"


def index_row(name: str, title: str, body: str) -> str:
    heading = next((line for line in body.splitlines() if line.startswith("## ")), "")
    targets = re.search(r"\*\*Targets\*\*: (\S+)", body)
    verdict = targets.group(1) if targets else "—"
    date = re.search(r"\*\*Run\*\*: ([^·]+)", body)
    anchor = re.sub(r"[^\w\- ]", "", heading.lstrip("# ").lower()).strip().replace(" ", "-")
    return (
        f"| [{title}](#{anchor}) | {verdict} | {date.group(1).strip() if date else 'not run yet'} |"
    )


def write(path: Path, order: list[tuple[str, str]], fresh: dict[str, str]) -> None:
    """Rewrite ``path``: fresh sections replace old ones; the others are kept, and so is
    the text written after a section (a reading), with its section."""
    old, readings = {}, {}
    if path.exists():
        text = path.read_text()
        found = list(SECTION.finditer(text))
        for match, after in zip(found, [*found[1:], None], strict=True):
            old[match["name"]] = match.group(0).rstrip("\n") + "\n"
            # What a person wrote after a section (a reading of its figures) stays with it.
            tail = LEGACY.sub("", text[match.end() : after.start() if after else len(text)])
            if tail.strip():
                readings[match["name"]] = "\n" + tail.strip("\n") + "\n"
        # A block a benchmark wrote on its own (<!-- x:start --> … <!-- x:end -->) outside
        # any section is kept as the section of that name.
        for match in LEGACY.finditer(SECTION.sub("", text)):
            name = match["name"].replace("-", "_")
            old.setdefault(
                name, f"<!-- bench:{name} -->\n{match.group(0)}\n<!-- /bench:{name} -->\n"
            )
    sections = {**old, **fresh}
    known = [name for name, _title in order]
    names = known + [n for n in sections if n not in known]
    titles = dict(order)
    index, bodies = [], []
    for name in names:
        if name not in sections:
            index.append(f"| {titles.get(name, name)} | — | not run yet |")
            continue
        text = sections[name]
        body = text.split("\n", 1)[1] if "\n" in text else ""
        index.append(index_row(name, titles.get(name, name), body))
        bodies.append(text + readings.get(name, ""))
    path.write_text(HEADER.format(index="\n".join(index)) + "\n" + "\n".join(bodies))
