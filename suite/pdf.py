"""PDF rendering with WeasyPrint and the shipped Korean font (NanumGothic, OFL).

The machine may have no CJK fonts: every PDF template gets ``@font-face``
rules pointing at the files in ``suite/fonts`` so Korean never renders as boxes.
"""

from django.conf import settings
from django.template.loader import render_to_string

FONT_CSS = """
@font-face {{ font-family: "NanumGothic"; src: url("{regular}"); font-weight: normal; }}
@font-face {{ font-family: "NanumGothic"; src: url("{bold}"); font-weight: bold; }}
html {{ font-family: "NanumGothic", sans-serif; }}
@page {{ size: A4; margin: 20mm 18mm 22mm 18mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-family: "NanumGothic"; font-size: 9pt; }} }}
"""


def font_css() -> str:
    fonts = settings.FONT_DIR
    return FONT_CSS.format(
        regular=(fonts / "NanumGothic.ttf").as_uri(), bold=(fonts / "NanumGothicBold.ttf").as_uri()
    )


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a Django template to PDF bytes (A4, page numbers centred at the bottom)."""
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is made
    from weasyprint.text.fonts import FontConfiguration

    # @font-face only works through a FontConfiguration shared by the CSS and the render.
    font_config = FontConfiguration()
    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=font_css(), font_config=font_config)], font_config=font_config
    )


WARM_HTML = "<h1>대관 허가서</h1><p>가나다라 마바사 0123456789 원 · 2026. 11. 25. 15:20</p>"


def warm() -> float:
    """Load WeasyPrint, its fonts (fontconfig, the shipped Korean font, both weights) and
    the layout code once, so that the first PDF a resident asks a freshly started worker
    for costs what the others do (~1 s of loading otherwise). Returns the seconds spent.

    Called when a process starts serving (suite/wsgi.py: every gunicorn worker and the
    development server), never in tests; ``SUITE_PDF_WARM=0`` turns it off."""
    import time

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    started = time.perf_counter()
    font_config = FontConfiguration()
    html = f"{WARM_HTML}<p><b>{WARM_HTML}</b></p>"
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=font_css(), font_config=font_config)], font_config=font_config
    )
    return time.perf_counter() - started
