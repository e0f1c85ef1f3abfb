"""One sign-in across the portal and every institution host."""

from urllib.parse import parse_qs, urlparse

from django.core import signing
from django.test import Client

from accounts.views import SSO_SALT


def test_institution_login_goes_through_the_apex(world, on_host):
    response = on_host(world.inst_a).get("/accounts/login/?next=/facilities/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.hostname == "localhost" and target.path == "/accounts/sso/"
    query = parse_qs(target.query)
    assert query["next"] == ["/facilities/"]
    assert urlparse(query["return"][0]).hostname == world.inst_a.primary_host


def test_signed_in_on_portal_means_signed_in_at_institution(world):
    apex = Client(HTTP_HOST="localhost")
    apex.force_login(world.resident)
    return_url = f"http://{world.inst_a.primary_host}/accounts/sso/accept/"
    response = apex.get("/accounts/sso/", {"return": return_url, "next": "/facilities/"})
    assert response.status_code == 302
    ticket_url = urlparse(response["Location"])
    assert ticket_url.hostname == world.inst_a.primary_host
    # A browser with a separate cookie jar for the institution host:
    institution = Client(HTTP_HOST=world.inst_a.primary_host)
    response = institution.get(ticket_url.path + "?" + ticket_url.query)
    assert response.status_code == 302 and response["Location"] == "/facilities/"
    assert institution.session["_auth_user_id"] == str(world.resident.pk)


def test_anonymous_sso_asks_to_log_in_on_the_apex_first(world):
    response = Client(HTTP_HOST="localhost").get(
        "/accounts/sso/", {"return": f"http://{world.inst_a.primary_host}/accounts/sso/accept/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_sso_refuses_hosts_that_are_not_ours(world):
    apex = Client(HTTP_HOST="localhost")
    apex.force_login(world.resident)
    response = apex.get("/accounts/sso/", {"return": "http://evil.example/accounts/sso/accept/"})
    assert response.status_code == 400


def test_ticket_for_one_institution_does_not_work_at_another(world):
    ticket = signing.dumps(
        {"uid": world.resident.pk, "host": world.inst_a.primary_host}, salt=SSO_SALT
    )
    other = Client(HTTP_HOST=world.inst_b.primary_host)
    assert other.get("/accounts/sso/accept/", {"ticket": ticket}).status_code == 400
    assert "_auth_user_id" not in other.session


def test_ticket_is_single_use_and_forged_ticket_is_refused(world):
    ticket = signing.dumps(
        {"uid": world.resident.pk, "host": world.inst_a.primary_host}, salt=SSO_SALT
    )
    first = Client(HTTP_HOST=world.inst_a.primary_host)
    first.get("/accounts/sso/accept/", {"ticket": ticket})
    assert "_auth_user_id" in first.session
    replay = Client(HTTP_HOST=world.inst_a.primary_host)
    replay.get("/accounts/sso/accept/", {"ticket": ticket})
    assert "_auth_user_id" not in replay.session
    forged = Client(HTTP_HOST=world.inst_a.primary_host)
    forged.get("/accounts/sso/accept/", {"ticket": ticket[:-3] + "abc"})
    assert "_auth_user_id" not in forged.session


def test_shared_session_cookie_works_on_every_host(world):
    """With the parent-domain cookie (production), one session serves all hosts."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.staff_a)
    client.defaults["HTTP_HOST"] = world.inst_a.primary_host
    assert client.get("/accounts/profile/").status_code == 200


def test_institution_logout_ends_the_session_and_asks_nothing(world, on_host):
    """Sign-out answers on the same host, with no confirmation page in between; every
    other session of the browser ends too (tests/accounts/test_one_browser.py)."""
    client = on_host(world.inst_a, world.resident)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
