"""Security headers on every host, a Content-Security-Policy that forbids inline script
(and templates that need none), and production settings that refuse unsafe setups."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/privacy/", "/portal/search/"]


@pytest.mark.parametrize("path", PAGES)
def test_apex_pages_carry_the_security_headers(world, apex, path):
    response = apex().get(path, follow=False)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_institution_host_and_staff_pages_carry_them_too(world, on_host):
    for client, path in [
        (on_host(world.inst_a), "/"),
        (on_host(world.inst_a, world.staff_a), "/staff/"),
        (on_host(world.inst_a, world.admin_a), "/manage/privacy/access/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response["Content-Security-Policy"]
        # Pages with personal data are never stored by shared caches.
        if client.session.get("_auth_user_id"):
            assert "no-store" in response["Cache-Control"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_rendered_pages_have_no_inline_script(world, apex, on_host):
    pages = [
        (apex(), "/"),
        (apex(), "/accounts/signup/"),
        (apex(world.resident), "/accounts/security/"),
        (apex(world.resident), "/accounts/profile/"),
        (on_host(world.inst_a, world.staff_a), "/staff/approval/new/"),
        (on_host(world.inst_a, world.admin_a), "/manage/privacy/"),
        (apex(), "/api/docs/"),
        (on_host(world.inst_a), "/api/docs/"),
    ]
    for client, path in pages:
        body = client.get(path).content.decode()
        assert not INLINE_SCRIPT.search(body), path
        assert not INLINE_HANDLER.search(body), path
        assert not JS_URL.search(body), path


def test_no_template_has_inline_script_or_handlers():
    """Every template of the project: scripts come from static files, behaviours from
    data attributes (suite/static/js/behaviours.js)."""
    base = Path(django_settings.BASE_DIR)
    offenders = []
    for path in base.rglob("templates/**/*.html"):
        if ".venv" in path.parts or "var" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
            if pattern.search(text):
                offenders.append(str(path.relative_to(base)))
    assert offenders == [], (
        "inline script breaks the Content-Security-Policy; use data-autosubmit, "
        "data-confirm, data-select-on-focus, data-print or data-show-if instead"
    )


PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "suite.settings.production",
    "SECRET_KEY": "s" * 50,
    "PATH": os.environ.get("PATH", ""),
}
PRINT = "import django; django.setup(); from django.conf import settings; print(sorted(settings.CACHES))"


def _boot(**env):
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        env={**PROD_ENV, **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )


def test_production_refuses_the_embedded_database():
    result = _boot(CACHE_URL="db://suite_cache")
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr
    assert "embedded" in result.stderr


def test_production_refuses_a_per_process_cache():
    result = _boot(DATABASE_URL="postgres://suite@127.0.0.1:1/suite", CACHE_URL="locmem://")
    assert result.returncode != 0 and "per process" in result.stderr


def test_production_starts_with_a_shared_cache():
    result = _boot(DATABASE_URL="postgres://suite@127.0.0.1:1/suite", CACHE_URL="db://suite_cache")
    assert result.returncode == 0, result.stderr
    assert "security" in result.stdout


def test_the_real_payment_gateway_is_allowed_only_when_switched_on(settings):
    from accounts.security import build_policy

    settings.PAYMENTS_GATEWAY = "sandbox"
    assert "tosspayments" not in build_policy()
    settings.PAYMENTS_GATEWAY = "toss"
    policy = build_policy()
    script = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert script == "script-src 'self' https://js.tosspayments.com"
