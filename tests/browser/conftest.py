"""Real-browser journeys: Debian's Chromium, driven by Playwright, against the project's
own server.

The server is Django's threaded WSGI server started here in a thread on 127.0.0.1 with
an ephemeral port (``SUITE_PORT`` follows it, so every link the suite builds points
back here); institution hosts are ``<slug>.localhost``, which Chromium resolves to
loopback by itself. The server answers from this pytest process's own test database,
so the pages see committed rows only: the browser world (an institution, its staff,
a facility, an org chart) is created and committed once, with names of its own, and
removed at the end — the shared test world is never flushed or touched.

Chromium comes from Debian (``make browser-deps``; Playwright's own browser download
cannot work here). Without it the journeys are skipped when run by hand, and fail
under ``make test`` and in CI (``SUITE_BROWSER_REQUIRED=1`` or ``CI`` set).
"""

import os
import re
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "browser"
PASSWORD = "browser-pass-2468"
# Launch flags that work on these machines (no screen, no network but loopback).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=ko-KR",  # dates in form controls as a Korean browser shows them
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    return (
        os.environ.get("SUITE_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def browser_required() -> bool:
    return os.environ.get("SUITE_BROWSER_REQUIRED") == "1" or bool(os.environ.get("CI"))


def pytest_collection_modifyitems(config, items):
    """Browser journeys run last: they commit rows, so nothing else runs beside them."""
    browser, rest = [], []
    for item in items:
        (browser if "tests/browser/" in item.nodeid else rest).append(item)
    for item in browser:
        item.add_marker(pytest.mark.browser)
        # The marker is what makes pytest-django create the test database when only
        # these tests run. Its per-test transaction covers this (main) thread's
        # connection only: the server thread commits, and the world was committed
        # before any test began.
        item.add_marker(pytest.mark.django_db)
    items[:] = rest + browser


def _unavailable(reason: str):
    if browser_required():
        pytest.fail(f"{reason} — run `make browser-deps` (browser tests are required here)")
    pytest.skip(f"{reason}; `make browser-deps` installs it")


@pytest.fixture(scope="session")
def chromium():
    """A Chromium browser (Debian's binary through Playwright), one per test run."""
    executable = chromium_path()
    if executable is None:
        _unavailable("Debian's chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    # Playwright's synchronous API keeps an event loop running in this thread, which
    # Django's async-safety check mistakes for async code; our ORM calls here are
    # ordinary synchronous code between browser steps.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        # Playwright gives every launch a fresh, empty profile (user-data dir) itself.
        browser = manager.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as error:
        manager.stop()
        _unavailable(f"Chromium did not start: {error}")
    yield browser
    browser.close()
    manager.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# --- the server ------------------------------------------------------------------


class _Server:
    def __init__(self):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        self.httpd.set_app(StaticFilesHandler(WSGIHandler()))
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


# --- the browser world -----------------------------------------------------------


@dataclass
class Site:
    """The live server and the people and things the journeys use."""

    port: int
    token: str
    institution: object = None
    facility_id: int = 0
    facility_name: str = ""
    people: dict = field(default_factory=dict)
    emails: list = field(default_factory=list)  # every account made here, removed at the end
    slugs: list = field(default_factory=list)  # every institution made here, removed at the end
    authenticators: dict = field(default_factory=dict)  # e-mail → TOTP secret and last step
    signed_in: dict = field(default_factory=dict)  # e-mail → browser storage state (cookies)

    @property
    def apex(self) -> str:
        return f"http://localhost:{self.port}"

    def host(self, institution=None) -> str:
        institution = institution or self.institution
        return f"http://{institution.primary_host}:{self.port}"

    def email(self, local: str) -> str:
        address = f"{local}.{self.token}@browser.test.kr"
        self.emails.append(address)
        return address


def _build_world(site: Site) -> None:
    import datetime as dt

    from django_tenants.utils import schema_context

    from accounts.models import Membership, Role, User
    from facility_booking.services import facilities as facility_services
    from groupware.approval.models import DelegationRule, Form
    from groupware.models import Department, Position, StaffProfile
    from tenants.models import Institution
    from tenants.services import institution_onboard

    slug = f"web{site.token}"
    site.slugs.append(slug)
    institution_onboard(
        actor=None,
        slug=slug,
        name=f"누리시 문화재단 {site.token}",
        short_name="누리문화",
        reason="browser journeys",
    )
    institution = Institution.objects.get(slug=slug)
    site.institution = institution
    roles = {
        "admin": ("누리관리자", Role.INSTITUTION_ADMIN),
        "manager": ("누리시설담당", Role.FACILITY_MANAGER),
        "drafter": ("누리기안자", Role.STAFF),
        "reviewer": ("누리팀장", Role.STAFF),
    }
    site.people["resident"] = User.objects.create_user(
        email=site.email("resident0"), password=PASSWORD, name="누리주민"
    )
    for key, (name, role) in roles.items():
        user = User.objects.create_user(email=site.email(key), password=PASSWORD, name=name)
        Membership.objects.create(user=user, institution=institution, role=role)
        site.people[key] = user
    site.people["operator"] = User.objects.create_user(
        email=site.email("operator"),
        password=PASSWORD,
        name="누리운영자",
        is_staff=True,
        is_superuser=True,
    )
    with schema_context(institution.schema_name):
        positions = {
            name: Position.objects.get_or_create(name=name, defaults={"level": level})[0]
            for name, level in (("이사장", 1), ("팀장", 3), ("주임", 5))
        }
        team = Department.objects.create(name="문화사업팀", short_name="문화사업팀")
        for key, position in (("drafter", "주임"), ("reviewer", "팀장"), ("admin", "이사장")):
            StaffProfile.objects.update_or_create(
                user=site.people[key],
                defaults={"department": team, "position": positions[position]},
            )
        DelegationRule.objects.filter(form=Form.GENERAL).delete()
        site.facility_name = f"햇살마루 공연장 {site.token}"
        facility = facility_services.facility_create(
            actor=site.people["admin"],
            name=site.facility_name,
            kind="hall",
            capacity=120,
            description="햇살마루 공연장은 음악회와 강연에 알맞은 120석 규모의 공연장입니다.",
            building="누리문화회관",
            floor="2층",
            slot_minutes=60,
            min_minutes=60,
            max_minutes=240,
            window_open_days=30,
            window_close_hours=24,
            max_active_per_person=3,
            approval_required=True,
            payment_days=3,
            base_fee=30000,
            closes_on_holidays=False,
        )
        facility_services.facility_set_hours(
            actor=site.people["admin"],
            facility=facility,
            hours={day: (dt.time(9), dt.time(21)) for day in range(7)},
        )
        facility_services.facility_set_equipment(
            actor=site.people["admin"], facility=facility, items=[("무선 마이크 세트", 10000)]
        )
        site.facility_id = facility.pk
    connection.set_schema_to_public()


def _remove_world(site: Site) -> None:
    """Remove what the journeys made: their institutions (schemas dropped with their
    rows) and their accounts' memberships and sessions. The accounts themselves are
    deactivated, not deleted: rows in institution schemas that pointed at them went
    with the schemas, and the test database is dropped after the run anyway."""
    from django.contrib.sessions.models import Session

    from accounts.models import Membership, User
    from tenants.models import Institution

    connection.set_schema_to_public()
    for institution in Institution.objects.filter(slug__in=site.slugs):
        schema = institution.schema_name
        institution.delete(force_drop=True)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    made = User.objects.filter(email__endswith=f".{site.token}@browser.test.kr")
    Membership.objects.filter(user__in=made).delete()
    ids = {str(pk) for pk in made.values_list("pk", flat=True)}
    Session.objects.filter(
        session_key__in=[
            s.session_key
            for s in Session.objects.all()
            if s.get_decoded().get("_auth_user_id") in ids
        ]
    ).delete()
    made.update(is_active=False)


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker, chromium):
    """The live server on an ephemeral port and the browser world, committed."""
    server = _Server()
    site = Site(port=server.port, token=uuid.uuid4().hex[:8])
    overrides = override_settings(SUITE_PORT=str(server.port))
    overrides.enable()
    # Server threads close their database connection after every request (Chromium
    # keeps its sockets, and with them the threads, open until the end).
    db_settings = connections.settings[DEFAULT_DB_ALIAS]
    max_age = db_settings.get("CONN_MAX_AGE")
    db_settings["CONN_MAX_AGE"] = 0
    try:
        with django_db_blocker.unblock():
            _build_world(site)
        server.start()
        yield site
    finally:
        server.stop()
        with django_db_blocker.unblock():
            _remove_world(site)
        db_settings["CONN_MAX_AGE"] = max_age
        # A connection pool (when configured) still holds the server threads' connections.
        close_pool = getattr(connections[DEFAULT_DB_ALIAS], "close_pool", None)
        if close_pool is not None:
            close_pool()
        overrides.disable()


@pytest.fixture
def live(site):
    """Per journey: the site, with an empty e-mail outbox."""
    from django.core import mail

    mail.outbox = []
    yield site
    connection.set_schema_to_public()


@pytest.fixture
def browser_context(chromium, request):
    """Factory: a fresh browser context (its own cookies — one person), desktop or phone.

    On failure a full-page screenshot of every page still open is saved under
    var/browser/ (gitignored), named after the test.
    """
    contexts = []
    problems: list[str] = []  # failed requests and server errors, written out on failure

    def make(viewport=DESKTOP, **options):
        phone = viewport["width"] < 600
        context = chromium.new_context(
            viewport=viewport,
            locale="ko-KR",
            timezone_id="Asia/Seoul",
            is_mobile=phone,
            has_touch=phone,
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(15_000)
        context.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
        context.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 500 or (r.status >= 400 and "/static/" in r.url)
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        (ARTIFACTS / f"{name}.log").write_text("\n".join(problems) + "\n")
        for c_index, context in enumerate(contexts):
            for p_index, page in enumerate(context.pages):
                path = ARTIFACTS / f"{name}-{c_index}-{p_index}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception:
                    continue
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
