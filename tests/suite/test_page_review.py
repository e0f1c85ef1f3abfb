"""What people read, found by looking at the pages on a phone and a desktop: the
unknown-host page styled and with a way on, English pages with English dates, summaries
whose paragraphs do not run together."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from suite.richtext import plain_text


def test_unknown_host_page_is_styled_and_leads_to_the_portal(db, world):
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "/static/css/errors.css" in body  # not a bare, unstyled page
    assert 'href="http://localhost:' in body and "/portal/institutions/" in body
    assert "주소를 다시 확인해 주세요" in body


def test_pages_show_dates_in_the_readers_language():
    """A date written with a Korean pattern ("Y. n. j.") stays Korean on English pages;
    served templates use the format names (DATE_FORMAT …) or suite.dates' filters.
    PDFs (always Korean documents) are left out."""
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in base.rglob("templates/**/*.html"):
        if {".venv", "var", "pdf", "email"} & set(path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"""\|date:["']Y\. n\. j""", text):
            offenders.append(str(path.relative_to(base)))
    assert offenders == []


def test_plain_text_keeps_blocks_apart():
    """Paragraphs, line breaks and list items do not run together once the tags go
    (a job posting's summary read "1년 이상근무")."""
    assert plain_text("<p>자격: 경력 1년 이상</p><p>근무: 주 5일</p>") == (
        "자격: 경력 1년 이상\n근무: 주 5일"
    )
    assert plain_text("가<br>나<br/>\n다") == "가\n나\n다"
    assert " ".join(plain_text("<ul><li>하나</li><li>둘</li></ul>").split()) == "하나 둘"
    assert plain_text("<p>본문 <b>굵게</b></p>") == "본문 굵게"


def test_program_period_and_audience_follow_the_readers_language():
    """The portal index keeps Korean labels written at indexing time; pages build the
    period and the audience from the entry's own data."""
    import datetime as dt
    from types import SimpleNamespace

    from django.utils import timezone, translation

    from programs.templatetags.programs_tags import program_audience, program_period

    entry = SimpleNamespace(
        starts_at=timezone.make_aware(dt.datetime(2026, 12, 3, 9, 0)),
        ends_at=timezone.make_aware(dt.datetime(2027, 1, 28, 10, 0)),
        audience="senior",
        data={"weekdays": [0, 2, 4], "period_label": "옛 라벨", "audience_label": "어르신"},
    )
    with translation.override("ko"):
        assert program_period(entry) == "2026. 12. 3. ~ 2027. 1. 28. (월수금) 09:00–10:00"
        assert program_audience(entry) == "어르신"
    with translation.override("en"):
        assert program_period(entry) == "Dec 3, 2026 ~ Jan 28, 2027 (Mon/Wed/Fri) 09:00–10:00"
        assert program_audience(entry) == "Seniors"
    undated = SimpleNamespace(starts_at=None, ends_at=None, audience="", data=entry.data)
    assert program_period(undated) == "옛 라벨" and program_audience(undated) == "어르신"


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_a_missing_favicon(db, world):
    """Without a <link rel="icon"> browsers ask for /favicon.ico: a 404 on every page."""
    from django.contrib.staticfiles import finders

    pages = [
        Client(HTTP_HOST="localhost").get("/"),  # the portal (base.html)
        Client(HTTP_HOST="nowhere.localhost").get("/"),  # an error page of its own
    ]
    for response in pages:
        icon = re.search(r'<link rel="icon" href="([^"]+)"', response.content.decode())
        assert icon, response.status_code
        assert icon.group(1).endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg")
