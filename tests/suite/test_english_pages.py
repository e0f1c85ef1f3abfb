"""English pages carry no Korean outside user data.

The demo data of every app is seeded into institution A; a resident, a staff member, the
institution admin, the platform operator and an anonymous visitor then read the main
pages in English (and the pages those link to on the same host). Every text node and
every human-readable attribute is searched for Hangul once the values stored in the
database (names, titles, facility names, addresses …) are taken out: what is left is
interface text that escaped translation. Dates read ``Dec 1, 2026`` in English and
``2026. 12. 1.`` in Korean.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from suite import dates, demo
from tests.conftest import host_client

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
SYLLABLES = "\uac00-\ud7a3"
# Attributes a person reads or hears (screen readers); values of inputs are data.
READABLE_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "aria-description"}
# The language menu names each language in its own name.
OWN_NAMES = ("한국어",)
SKIP = re.compile(
    r"^/(accounts/logout|i18n/|api/|media/|static/|dev/|sandbox-pg/)"
    r"|\.(pdf|csv|ics|xlsx|json|png|jpe?g|zip|tar\.gz)$"
    r"|/(pdf|csv|ics|export|download|feed)(/|$)"
)
PAGES_PER_HOST = 90
LINK_TOKEN = re.compile(r"\[\[suite-link:[^\]]*\]\]|https?://\S+")


class _Text(HTMLParser):
    """Text nodes and readable attribute values of a page (scripts and styles aside), and
    its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        values = dict(attrs)
        for name in READABLE_ATTRIBUTES & values.keys():
            self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def _strings(value, into: set[str]) -> None:
    if isinstance(value, str):
        if HANGUL.search(value):
            into.add(value.strip())
            # as shown: rich text without its tags, line by line, links expanded
            parser = _Text()
            parser.feed(value)
            for text in [value, *parser.texts]:
                for part in LINK_TOKEN.split(text):
                    into.update(line.strip() for line in part.splitlines() if HANGUL.search(line))
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, into)


def _stored_text() -> list[str]:
    """Every Hangul-bearing text value stored in the current schema and public, longest
    first (so a name inside a title goes with the title)."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        if not fields:
            continue
        try:
            with transaction.atomic():
                rows = list(model._default_manager.values_list(*fields)[:5000])
        except DatabaseError:  # a table of the other side (public-only or tenant-only)
            continue
        for row in rows:
            for value in row:
                _strings(value, found)
    return sorted(found, key=len, reverse=True)


def _user_forms(stored: list[str]) -> re.Pattern:
    """Stored values as pages show them: whole, per line and per word, and names masked
    as the privacy rules require (김*현)."""
    forms = set(stored)
    for value in stored:
        for word in value.split():
            if HANGUL.search(word):
                forms.add(word.strip(".,:;()[]『』「」·"))
        if 2 <= len(value) <= 5 and " " not in value:
            forms.add(value[0] + "*" * (len(value) - 2) + value[-1])
            forms.add(value[0] + "*" * (len(value) - 1))
    # one syllable alone (화, 팀) is too short to tell data from interface
    values = sorted((f for f in forms if len(f) > 1), key=len, reverse=True)
    # whole values only: a stored word never excuses part of a longer Korean word
    alternatives = "|".join(map(re.escape, values))
    return re.compile(f"(?<![{SYLLABLES}])(?:{alternatives})(?![{SYLLABLES}])")


def _leaks(html: str, user_text: re.Pattern) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    leaks = []
    for text in parser.texts:
        if not HANGUL.search(text):
            continue
        rest = user_text.sub(" ", text)
        for name in OWN_NAMES:
            rest = rest.replace(name, " ")
        if HANGUL.search(rest):
            left = " ".join(w for w in rest.split() if HANGUL.search(w))
            leaks.append(f"{left[:80]}  ⟨{' '.join(text.split())[:100]}⟩")
    return leaks, parser.links


def _crawl(client, host: str, starts: list[str], user_text: re.Pattern, found: dict) -> int:
    """Read ``starts`` and the same-host pages they link to (one level), in English."""
    seen: set[str] = set()
    queue = [(path, True) for path in starts]
    while queue and len(seen) < PAGES_PER_HOST:
        path, follow = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, (host, path, response.status_code)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        leaks, links = _leaks(response.content.decode(), user_text)
        for leak in leaks:
            found.setdefault(leak, f"{host}{path}")
        if not follow:
            continue
        for href in links:
            url = urlsplit(urljoin(f"http://{host}{path}", href))
            if url.netloc != host or SKIP.search(url.path) or url.path in seen:
                continue
            queue.append((url.path + (f"?{url.query}" if url.query else ""), False))
    return len(seen)


@pytest.fixture
def seeded(world):
    """Institution A with every app's demo data; the Hangul values stored anywhere."""
    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
        "residents": [world.resident, world.resident2],
    }
    with schema_context(world.inst_a.schema_name):
        for hook in demo.app_seed_hooks():
            hook(institution=world.inst_a, people=people)
        stored = _stored_text()
    connection.set_schema_to_public()
    stored += _stored_text()  # the public schema's own copies too
    stored += _messages_as_sent()
    return _user_forms(stored)


def _messages_as_sent() -> list[str]:
    """Text messages (SMS, 알림톡) are sent in Korean — their templates are registered in
    Korean — and the hub shows each as sent or as it will be sent: data, not interface."""
    from notifications.models import Notification
    from notifications.services import render
    from suite.links import expand

    found: set[str] = set()
    for notification in Notification.objects.prefetch_related("deliveries"):
        sent = next((d.body for d in notification.deliveries.all() if d.body), "")
        if sent or notification.event != "email":
            _strings(expand(sent or render(notification, "sms")[1]), found)
    return list(found)


def _english(host: str, user=None):
    if user is not None:  # a signed-in person's language is the one kept on the account
        type(user).objects.filter(pk=user.pk).update(preferred_language="en")
    client = host_client(host, user)
    client.cookies["django_language"] = "en"
    return client


def _first(client, path: str, pattern: str) -> str:
    """The first link on ``path`` that matches ``pattern`` (a page to read further)."""
    html = client.get(path).content.decode()
    match = re.search(rf'href="({pattern})"', html)
    return match.group(1) if match else path


def test_main_pages_in_english_have_no_korean_outside_user_data(world, seeded):
    found: dict[str, str] = {}
    apex = "localhost"
    host = world.inst_a.primary_host
    read = 0

    anonymous = [(apex, ["/", "/accounts/login/", "/accounts/signup/", "/portal/search/?q=hall"])]
    anonymous.append((host, ["/", "/facilities/", "/programs/", "/accounts/login/"]))
    for where, starts in anonymous:
        read += _crawl(_english(where), where, starts, seeded, found)

    resident = _english(host, world.resident)
    facility = _first(resident, "/facilities/", r"/facilities/\d+/")
    read += _crawl(
        resident,
        host,
        [
            "/",
            "/facilities/",
            facility,
            facility + "apply/",
            "/programs/",
            "/site/",
            "/facilities/my/",
            "/facilities/lottery/",
            "/facilities/my/lottery/",
            "/facilities/my/waitlist/",
            "/facilities/my/series/",
            "/facilities/my/standing/",
            "/programs/my/",
        ],
        seeded,
        found,
    )
    read += _crawl(
        _english(apex, world.resident),
        apex,
        [
            "/",
            "/portal/search/?q=%EB%8C%80%EA%B4%80",
            "/portal/calendar/",
            "/portal/institutions/",
            "/portal/my/",
            "/portal/my/bookings/?cancelled=1",
        ],
        seeded,
        found,
    )
    for person, starts in (
        (world.staff_a, ["/staff/", "/staff/approval/", "/staff/calendar/", "/staff/boards/"]),
        (
            world.manager_a,
            [
                "/facilities/manage/",
                "/facilities/manage/lottery/",
                "/facilities/manage/series/",
                "/facilities/manage/waitlist/",
                "/facilities/manage/sanctions/",
                "/programs/manage/",
            ],
        ),
        (
            world.admin_a,
            ["/manage/", "/manage/audit/", "/staff/directory/", "/staff/org/", "/site/manage/"],
        ),
    ):
        read += _crawl(_english(host, person), host, starts, seeded, found)
    read += _crawl(
        _english(apex, world.operator), apex, ["/console/", "/console/privacy/"], seeded, found
    )

    assert read > 100
    report = "\n".join(f"{where}: {text}" for text, where in sorted(found.items()))
    assert not found, f"Korean left in English pages ({len(found)}):\n{report}"


def test_dates_follow_the_language():
    day = dt.date(2026, 12, 1)
    moment = timezone.make_aware(dt.datetime(2026, 12, 1, 15, 20))
    with translation.override("ko"):
        assert dates.kdate(day) == "2026. 12. 1."
        assert dates.kdatetime(moment) == "2026. 12. 1. 15:20"
        assert dates.kdate_weekday(day) == "2026. 12. 1.(화)"
    with translation.override("en"):
        assert dates.kdate(day) == "Dec 1, 2026"
        assert dates.kdatetime(moment) == "Dec 1, 2026 15:20"
        assert dates.kdate_weekday(day) == "Tue, Dec 1, 2026"
