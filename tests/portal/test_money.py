"""Money is shown with thousands separators wherever residents read it: the portal's
results ("30,000원부터", not "30000원부터"), programs' lists and pages; no template prints
an amount followed by 원 without the filter."""

import re
from pathlib import Path

from django.conf import settings
from django_tenants.utils import schema_context

from suite.templatetags.money import won, won_from
from tests.portal.conftest import put
from tests.programs.conftest import make_program


def test_the_filters():
    assert won(30000) == "30,000원" and won("1200000") == "1,200,000원"
    assert won(0) == "0원" and won(None) == "" and won("abc") == ""
    assert won_from(30000) == "30,000원부터" and won_from(None) == ""


def test_portal_results_show_fees_with_separators(world, apex):
    put(world.inst_a, "facility", 31, "별빛 대강당", facility_kind="hall", fee=30000)
    put(world.inst_a, "program", 32, "별빛 도자기 교실", fee=1250000)
    body = apex().get("/portal/search/", {"q": "별빛"}).content.decode()
    assert "30,000원부터" in body and "1,250,000원" in body
    assert "30000" not in body and "1250000" not in body


def test_program_pages_show_fees_with_separators(world, on_host):
    with schema_context(world.inst_a.schema_name):
        program = make_program(fee=45000)
    client = on_host(world.inst_a)
    for path in ("/programs/", f"/programs/{program.pk}/"):
        body = client.get(path).content.decode()
        assert "45,000원" in body and "45000원" not in body, path


AMOUNT_THEN_WON = re.compile(r"""\}\}\s*(\{%\s*translate\s+["']원["']\s*%\}|원)""")


def test_no_template_prints_a_bare_amount_followed_by_won():
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in base.rglob("templates/**/*.html"):
        if {".venv", "var"} & set(path.parts):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in AMOUNT_THEN_WON.finditer(line):
                expression = line[: match.start()].rsplit("{{", 1)[-1]
                if "intcomma" not in expression and "won" not in expression:
                    offenders.append(f"{path.relative_to(base)}: {expression.strip()}")
    assert offenders == []
