"""``{% static_text "app/file.css" %}``: a static file's text, for documents rendered
without a browser fetching it — a PDF's ``<style>`` inlines the same stylesheet the pages
link, so the two cannot drift apart (approval/markers.css)."""

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def static_text(path: str) -> SafeString:
    """The text of static file ``path`` (found as collectstatic would find it); a missing
    file is an error, never an empty stylesheet."""
    found = finders.find(path)
    if not found or isinstance(found, list):
        raise template.TemplateSyntaxError(f"static_text: no static file {path!r}")
    with open(found, encoding="utf-8") as handle:
        # our own file from the repository, inlined into <style> (raw text: no escaping)
        return mark_safe(handle.read())  # noqa: S308
