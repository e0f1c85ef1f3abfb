"""The shared PDF renderer embeds the Korean font: extracted text keeps the Hangul."""

import io

from django.template import engines
from pypdf import PdfReader

from suite.pdf import render_pdf


def test_korean_text_survives_pdf(tmp_path, settings):
    template_dir = tmp_path / "t"
    template_dir.mkdir()
    (template_dir / "k.html").write_text("<h1>대관 허가서</h1><p>{{ who }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    pdf = render_pdf("k.html", {"who": "홍길동"})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "대관 허가서" in text
    assert "홍길동" in text
