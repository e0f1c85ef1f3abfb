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
