"""Apps meet only through public faces (docs/architecture.md, "Apps and their public faces").

The rule and the scanner are in tests/architecture/boundaries.py; these tests run them over
the apps' code, and over small bad snippets to prove the check catches what it should.
"""

from pathlib import Path

import pytest

from tests.architecture import boundaries as b

# Import-time cycles between feature apps that are known and explained. The groupware
# family: the staff dashboard (groupware.dashboard) reads boards and the calendar
# directly, while they — and approval, whose leaves the calendar shows — build on
# groupware's org chart. Moving those two blocks into the dashboard's section registry
# (as approval and rooms do) would end it.
KNOWN_CYCLES = [
    ["groupware", "groupware.approval", "groupware.boards", "groupware.schedule"],
]


@pytest.fixture(scope="module")
def scanned():
    return b.scan()


def test_every_cross_app_import_goes_through_a_public_face(scanned):
    violations, _seen = scanned
    assert not violations, (
        "These imports reach into another app's private modules. Import the app's public "
        "face (<app>/public.py), adding a re-export or a small function there if needed "
        "(docs/architecture.md, 'Apps and their public faces'):\n"
        + "\n".join(f"  {v}" for v in violations)
    )


def test_the_scan_sees_the_apps_imports(scanned):
    """A scan that finds nothing proves nothing: the apps import each other hundreds of
    times, through public faces, from every app."""
    _violations, seen = scanned
    assert len(seen) > 300
    importers = {b.app_of(importer) for importer, _target in seen}
    assert set(b.FEATURE_APPS) <= importers
    publics = {target for _importer, target in seen if ".public" in target}
    for face in (
        "facility_booking.public",
        "facility_booking.public.for_portal",
        "facility_booking.public.for_payments",
        "payments.public",
        "portal.public",
        "notifications.public",
        "privacy.public",
        "groupware.public",
        "groupware.approval.public",
    ):
        assert face in publics, face


def test_every_exception_is_still_needed(scanned):
    _violations, seen = scanned
    stale = [pair for pair in b.EXCEPTIONS if pair not in set(seen)]
    assert not stale, f"remove these from boundaries.EXCEPTIONS, they are gone: {stale}"


def test_no_import_time_cycle_between_feature_apps():
    graph = b.module_level_app_graph()
    features = {
        app: {target for target in targets if target in b.FEATURE_APPS}
        for app, targets in graph.items()
        if app in b.FEATURE_APPS
    }
    assert graph, "the module-level import graph is empty: the scan found nothing"
    assert b.cycles(features) == KNOWN_CYCLES, (
        "Feature apps need each other at import time. Make one side import the other "
        "inside the function that needs it, or (for an event several apps react to) a "
        "registry in the owner's public module."
    )


# -- the check itself ---------------------------------------------------------------------

PORTAL_VIEW = Path("portal/hub.py")


def _flagged(source: str, *, path: Path = PORTAL_VIEW, importer: str = "portal.hub"):
    violations, _seen = b.scan_source(source, path=path, importer=importer)
    return [v.target for v in violations]


@pytest.mark.parametrize(
    "source, target",
    [
        ("from facility_booking.services import reservation_cancel", "facility_booking.services"),
        ("from facility_booking import services", "facility_booking.services"),
        ("from facility_booking.views import apply_errors", "facility_booking.views"),
        ("import payments.models", "payments.models"),
        ("def f():\n    from payments.views import Place\n", "payments.views"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from facility_booking.models import Reservation\n",
            "facility_booking.models",
        ),
        ("from groupware.approval.models import Document", "groupware.approval.models"),
        ("from groupware.models import StaffProfile", "groupware.models"),
        ("from payments.sandbox import engine", "payments.sandbox.engine"),
        ("from programs import public_helpers", "programs"),
    ],
)
def test_a_private_import_is_flagged(source, target):
    assert _flagged(source) == [target]


@pytest.mark.parametrize(
    "source",
    [
        "from facility_booking.public import allowed_actions",
        "from facility_booking.public.for_portal import applicant_booking",
        "from facility_booking.public import for_portal",
        "from payments import public",
        "import notifications.public",
        "from accounts.access import staff_page",  # the kernel
        "from tenants.current import current_institution",
        "from suite.dates import kdate",
        "from portal import korean",  # its own app
        "from . import search",  # relative, its own package
        "import datetime",
    ],
)
def test_a_public_or_kernel_import_passes(source):
    assert _flagged(source) == []


def test_a_relative_import_is_resolved():
    source = "from ..models import Document\n"
    flagged = _flagged(
        source,
        path=Path("groupware/exchange/views.py"),
        importer="groupware.exchange.views",
    )
    assert flagged == []  # groupware.models: the sub-apps' shared base
    flagged = _flagged(
        "from ..approval.models import Document\n",
        path=Path("groupware/exchange/views.py"),
        importer="groupware.exchange.views",
    )
    assert flagged == ["groupware.approval.models"]


def test_the_kernel_reaches_feature_apps_through_public_faces_too():
    flagged = _flagged(
        "from privacy.erasure import account_delete",
        path=Path("accounts/views.py"),
        importer="accounts.views",
    )
    assert flagged == ["privacy.erasure"]


def test_groupware_base_is_only_for_groupware_sub_apps():
    assert _flagged("from groupware.api_common import WorkspaceAPIView") == ["groupware.api_common"]
    assert (
        _flagged(
            "from groupware.api_common import WorkspaceAPIView",
            path=Path("groupware/boards/api.py"),
            importer="groupware.boards.api",
        )
        == []
    )


def test_url_confs_may_mount_other_apps_views():
    assert (
        _flagged(
            "from portal import views",
            path=Path("suite/urls_public.py"),
            importer="suite.urls_public",
        )
        == []
    )
    # but not their services
    assert _flagged(
        "from portal import search", path=Path("suite/urls_public.py"), importer="suite.urls_public"
    ) == ["portal.search"]


def test_the_message_names_the_file_the_import_and_the_way_out():
    violations, _seen = b.scan_source(
        "x = 1\nfrom payments.services import refund_request\n",
        path=PORTAL_VIEW,
        importer="portal.hub",
    )
    assert str(violations[0]) == (
        "portal/hub.py:2: portal.hub imports payments.services — "
        "payments is a feature app: import payments.public instead"
    )


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert b.cycles(graph) == [["a", "b", "c"]]
    assert b.cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_looked_up_by_name_at_run_time():
    assert b.dynamic_imports() == [], (
        "Import the sibling's public module, or declare a registry the sibling fills in "
        "its AppConfig.ready — never importlib.import_module / __import__ in app code."
    )


@pytest.mark.parametrize(
    "source",
    [
        "import importlib\nimportlib.import_module('facility_booking.services')\n",
        "from importlib import import_module\nimport_module('payments.views')\n",
        "__import__('portal.hub')\n",
    ],
)
def test_a_dynamic_import_is_flagged(source):
    assert len(b.dynamic_imports_in(source, path="x.py")) == 1
