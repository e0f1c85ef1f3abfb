"""Every address the README names answers: the URLs of the demo table and the paths it
mentions (`/manage/`, `/console/` …), on the host they belong to, for someone allowed."""

import re
from pathlib import Path

import pytest
from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"
URL = re.compile(r"https?://([a-z.]+):(\d+)(/[^\s)|`]*)?")
PATH = re.compile(r"`(/[a-z0-9/_.-]*)`")


def _addresses() -> list[tuple[str, str]]:
    """(host kind, path) of every address in the README: apex, culture or sports."""
    text = README.read_text(encoding="utf-8")
    found = []
    for host, _port, path in URL.findall(text):
        kind = host.split(".")[0] if host.endswith(".localhost") else "apex"
        found.append((kind, path or "/"))
    for path in PATH.findall(text):
        institution_paths = ("/manage/", "/site/", "/programs/", "/facilities/", "/staff/")
        found.append(("culture" if path.startswith(institution_paths) else "apex", path))
    return sorted(set(found))


def test_readme_names_addresses_on_the_default_port():
    text = README.read_text(encoding="utf-8")
    ports = {port for _host, port, _path in URL.findall(text)}
    assert ports == {str(settings.SUITE_PORT or "8000")} or ports == {"8000"}
    assert "PORT=" in text  # how to serve on another port


@pytest.mark.parametrize(("kind", "path"), _addresses())
def test_every_readme_address_answers(kind, path, world, apex, on_host, settings):
    settings.DEBUG = True  # the development-only pages the README lists
    if kind == "apex":
        users = [None, world.operator, world.resident]
        client_for = apex
    else:
        institution = world.inst_a if kind == "culture" else world.inst_b
        admin = world.admin_a if kind == "culture" else world.admin_b
        users = [None, admin]

        def client_for(user):
            return on_host(institution, user)

    answered = []
    for user in users:
        # anonymous: the sign-in hop leaves the host, which the test client cannot follow
        response = client_for(user).get(path, follow=user is not None)
        assert response.status_code < 500 and response.status_code != 404, (kind, path, user)
        answered.append(response.status_code)
    assert 200 in answered, (kind, path, answered)
