"""Pages render nothing inline that the production Content-Security-Policy would block:
the API documentation (Swagger UI), the booking form that loads htmx (which would inject
its indicator <style>), the standalone error pages. The policy is read from the header the
pages are served with (production uses the same DEFAULT_POLICY)."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_tenants.utils import schema_context

from accounts.security import build_policy

ELEMENT = re.compile(r"<(style|script)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
NONCE = re.compile(r"""\bnonce\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
HTMX_CONFIG = re.compile(r"""<meta\s+name=["']htmx-config["']\s+content='([^']*)'""", re.IGNORECASE)


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def sources_for(policy: dict, kind: str) -> list[str]:
    for name in (f"{kind}-src-elem", f"{kind}-src", "default-src"):
        if name in policy:
            return policy[name]
    return []


def blocked_inline(body: str, policy: dict) -> list[str]:
    """Inline <style>/<script> elements the policy does not allow (no 'unsafe-inline',
    no matching nonce or hash); and htmx loaded without its inline indicator style off."""
    blocked = []
    for tag, attrs, content in ELEMENT.findall(body):
        tag = tag.lower()
        if tag == "script" and re.search(r"\bsrc\s*=", attrs):
            continue
        if tag == "script" and re.search(r"""type\s*=\s*["']application/(ld\+)?json""", attrs):
            continue  # data, not executed
        allowed = sources_for(policy, tag)
        nonce = NONCE.search(attrs)
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        if (
            "'unsafe-inline'" in allowed
            or (nonce and f"'nonce-{nonce.group(1)}'" in allowed)
            or f"'sha256-{digest}'" in allowed
        ):
            continue
        blocked.append(f"<{tag}{attrs}>{content[:60]}")
    if re.search(r"""<script[^>]+src=["'][^"']*htmx[^"']*["']""", body):
        config = HTMX_CONFIG.search(body)
        if not config or '"includeIndicatorStyles":false' not in config.group(1).replace(" ", ""):
            blocked.append("htmx without includeIndicatorStyles=false (it injects a <style>)")
    return blocked


def test_the_production_policy_forbids_inline_script_and_style_elements():
    policy = directives(build_policy())
    for kind in ("script", "style"):
        assert "'unsafe-inline'" not in sources_for(policy, kind)


def test_the_checker_catches_what_the_policy_blocks():
    policy = directives(build_policy())
    assert blocked_inline("<style>body{}</style>", policy)
    assert blocked_inline("<script>alert(1)</script>", policy)
    assert blocked_inline('<script src="/static/django_htmx/htmx-2.min.js"></script>', policy)
    assert not blocked_inline('<script src="/static/js/behaviours.js"></script>', policy)


def _served(response) -> tuple[str, dict]:
    assert response.status_code == 200, response.status_code
    return response.content.decode(), directives(response["Content-Security-Policy"])


@pytest.mark.parametrize("where", ["apex", "institution"])
def test_api_docs_have_nothing_inline(world, apex, on_host, where):
    client = apex() if where == "apex" else on_host(world.inst_a)
    body, policy = _served(client.get("/api/docs/"))
    assert "swagger-ui" in body and "api/swagger.css" in body
    assert blocked_inline(body, policy) == []
    # The stylesheet that replaced the inline <style> is served.
    assert client.get("/api/docs/?script").status_code == 200


def test_the_htmx_booking_form_switches_its_inline_indicator_style_off(world, on_host):
    from tests.facility_booking.conftest import make_facility

    with schema_context(world.inst_a.schema_name):
        facility = make_facility()
    body, policy = _served(
        on_host(world.inst_a, world.resident).get(f"/facilities/{facility.pk}/apply/")
    )
    assert "htmx" in body
    assert blocked_inline(body, policy) == []
    css = (Path(settings.BASE_DIR) / "suite/static/css/suite.css").read_text()
    assert ".htmx-request .htmx-indicator" in css  # the rules htmx would have injected


@pytest.mark.parametrize(
    "template", ["400", "409", "413", "500", "503", "archived", "unknown_host", "suspended"]
)
def test_standalone_error_pages_have_nothing_inline(world, template):
    request = RequestFactory().get("/")
    body = render_to_string(
        f"errors/{template}.html", {"status": 500, "message": "오류"}, request=request
    )
    assert blocked_inline(body, directives(build_policy())) == []
    if "<link" in body:
        assert "/static/css/" in body


def test_server_error_handler_page_is_clean(world):
    from suite.views import server_error

    response = server_error(RequestFactory().get("/x/"))
    assert response.status_code == 500
    assert blocked_inline(response.content.decode(), directives(build_policy())) == []
    assert "errors.css" in response.content.decode()


def test_no_served_template_keeps_an_inline_style_element():
    """PDF templates (WeasyPrint, never served as pages) may; nothing else."""
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in base.rglob("templates/**/*.html"):
        if {".venv", "var", "pdf"} & set(path.parts):
            continue
        if re.search(r"<style\b", path.read_text(encoding="utf-8"), re.IGNORECASE):
            offenders.append(str(path.relative_to(base)))
    assert offenders == []
