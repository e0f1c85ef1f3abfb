"""One browser, many hosts that do not share cookies (``*.localhost`` in development, an
institution's own domain): signing in on the portal shows on institution pages, one
sign-out ends every session of the browser at once, and the language chosen follows.

Each host is its own test client (its own cookie jar), as a browser keeps cookies per
host; redirects between them are followed by hand, as the browser would."""

from urllib.parse import parse_qs, urlsplit

from django.core import signing
from django.test import Client

from accounts import browser
from accounts.models import UserSession
from accounts.views import SSO_SALT
from tenants.models import Domain
from tests.factories import PASSWORD

PAGE = {"HTTP_ACCEPT": "text/html,application/xhtml+xml", "HTTP_SEC_FETCH_MODE": "navigate"}


class Browser:
    """A browser: one cookie jar per host, redirects followed across hosts."""

    def __init__(self):
        self.jars: dict[str, Client] = {}

    def client(self, host: str) -> Client:
        if host not in self.jars:
            self.jars[host] = Client(HTTP_HOST=host, **PAGE)
        return self.jars[host]

    def open(self, host: str, path: str, method: str = "get", data=None, hops: int = 8):
        response = getattr(self.client(host), method)(path, data or {})
        for _ in range(hops):
            if response.status_code in (301, 302):
                target = urlsplit(response["Location"])
            elif response.status_code == 200 and b'http-equiv="refresh"' in response.content:
                url = response.content.decode().split('content="0;url=')[1].split('"')[0]
                target = urlsplit(url.replace("&amp;", "&"))
            else:
                return host, response
            host = target.hostname or host
            path = target.path + (f"?{target.query}" if target.query else "")
            response = self.client(host).get(path)
        return host, response

    def sign_in(self, user):
        host, response = self.open(
            "localhost", "/accounts/login/", "post", {"email": user.email, "password": PASSWORD}
        )
        assert "_auth_user_id" in self.client("localhost").session, response.content[:300]


def signed_in_as(response, user) -> bool:
    html = response.content.decode()
    return user.get_short_name() in html and "/accounts/logout/" in html


def test_signed_in_on_the_portal_shows_on_an_institution_home(world):
    person = Browser()
    person.sign_in(world.resident)
    host, response = person.open(world.inst_a.primary_host, "/")
    assert host == world.inst_a.primary_host and response.status_code == 200
    assert signed_in_as(response, world.resident)
    assert "/accounts/login/" not in response.content.decode().split("<main")[0]


def test_a_host_visited_before_signing_in_shows_it_after(world):
    person = Browser()
    _host, before = person.open(world.inst_a.primary_host, "/")
    assert not signed_in_as(before, world.resident)
    person.sign_in(world.resident)
    # no hop now (the host knows the browser): the portal's sign-in is joined at once
    response = person.client(world.inst_a.primary_host).get("/")
    assert response.status_code == 200 and signed_in_as(response, world.resident)


def test_one_sign_out_on_an_institution_ends_every_session_of_the_browser(world):
    person = Browser()
    person.sign_in(world.resident)
    person.open(world.inst_a.primary_host, "/")
    person.open(world.inst_b.primary_host, "/")
    assert UserSession.objects.filter(user=world.resident).count() == 3
    response = person.client(world.inst_a.primary_host).post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"  # no question asked
    for host in ("localhost", world.inst_a.primary_host, world.inst_b.primary_host):
        page = person.client(host).get("/accounts/profile/", **PAGE)
        assert page.status_code == 302, host
        assert "_auth_user_id" not in person.client(host).session, host
    assert not UserSession.objects.filter(user=world.resident).exists()
    # and nothing signs it in again by itself
    again = person.client(world.inst_a.primary_host).get("/")
    assert not signed_in_as(again, world.resident)


def test_signing_out_on_the_portal_ends_institution_sessions_on_custom_domains(world):
    Domain.objects.create(domain="culture.gana-city.test", tenant=world.inst_a, is_primary=False)
    person = Browser()
    person.sign_in(world.staff_a)
    host, response = person.open("culture.gana-city.test", "/facilities/")
    assert host == "culture.gana-city.test" and signed_in_as(response, world.staff_a)
    other = Browser()  # another device stays signed in
    other.sign_in(world.staff_a)
    person.client("localhost").post("/accounts/logout/")
    assert "_auth_user_id" not in person.client("culture.gana-city.test").session
    assert person.client("culture.gana-city.test").get("/accounts/profile/").status_code == 302
    assert other.client("localhost").get("/accounts/profile/").status_code == 200


def test_the_hop_never_puts_the_browser_id_in_a_url(world):
    person = Browser()
    response = person.client(world.inst_a.primary_host).get("/")
    assert response.status_code == 302
    apex = urlsplit(response["Location"])
    assert apex.hostname == "localhost" and parse_qs(apex.query)["prompt"] == ["none"]
    back = person.client("localhost").get(f"{apex.path}?{apex.query}")
    ticket = parse_qs(urlsplit(back["Location"]).query)["ticket"][0]
    data = signing.loads(ticket, salt=SSO_SALT)
    assert data["uid"] is None
    cookie = person.client("localhost").cookies[browser.COOKIE].value
    assert cookie not in back["Location"] and data["b"] != cookie


def test_scripts_feeds_and_load_generators_are_never_sent_hopping(world):
    plain = Client(HTTP_HOST=world.inst_a.primary_host)  # Accept: */* or none
    assert plain.get("/").status_code == 200
    script = Client(
        HTTP_HOST=world.inst_a.primary_host,
        HTTP_ACCEPT="text/html",
        HTTP_SEC_FETCH_MODE="cors",
    )
    assert script.get("/").status_code == 200


def test_language_chosen_on_the_portal_follows_to_an_institution(world):
    person = Browser()
    person.client("localhost").post("/i18n/setlang/", {"language": "en", "next": "/"})
    _host, response = person.open(world.inst_a.primary_host, "/")
    assert response.status_code == 200 and response["Content-Language"] == "en"


def test_language_chosen_on_an_institution_follows_to_the_portal(world):
    person = Browser()
    person.open(world.inst_a.primary_host, "/")
    host, response = person.open(
        world.inst_a.primary_host, "/i18n/setlang/", "post", {"language": "en", "next": "/"}
    )
    assert host == world.inst_a.primary_host and response["Content-Language"] == "en"
    assert person.client("localhost").get("/")["Content-Language"] == "en"


def test_a_signed_in_persons_language_is_kept_on_the_account(world):
    person = Browser()
    person.sign_in(world.resident2)
    person.open(world.inst_a.primary_host, "/")
    person.client(world.inst_a.primary_host).post("/i18n/setlang/", {"language": "en", "next": "/"})
    world.resident2.refresh_from_db()
    assert world.resident2.preferred_language == "en"
    assert person.client("localhost").get("/")["Content-Language"] == "en"
    device = Browser()  # another browser: the account's language from the first page
    device.sign_in(world.resident2)
    assert device.client("localhost").get("/")["Content-Language"] == "en"


def test_language_menu_names_each_language_in_its_own_name(world):
    for language in ("ko", "en"):
        client = Client(HTTP_HOST="localhost")
        client.cookies["django_language"] = language
        html = client.get("/").content.decode()
        menu = html.split('id="lang-select"')[1].split("</select>")[0]
        assert ">한국어<" in menu and ">English<" in menu, language
