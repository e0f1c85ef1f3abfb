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
