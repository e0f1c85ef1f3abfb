"""Schemathesis over the whole generated schema: no 5xx, every response as documented.

Runs on the apex and on an institution host, as an institution admin and as a
resident, with personal API tokens. Every operation in the schema is covered —
also endpoints added later — with SUITE_FUZZ_EXAMPLES examples per operation and
generation mode (default 3, so the fuzz tests stay near a minute in `make test` on a
busy 2-core machine; `make fuzz` uses 200), derandomized so a run is repeatable.

The requests go through Django's WSGI handler in this process and thread, so they
use this test's database connection and transaction (checked below); each example
runs in a savepoint that is rolled back, so generated writes never reach other
examples or tests. Django closes "old" connections at the start and end of each
request; that is switched off here, as Django's own test client does.
"""

import copy
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection, transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WerkzeugClient

from api.tokens import token_create
from suite import demo

EXAMPLES = int(os.environ.get("SUITE_FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


@contextmanager
def connection_kept_across_requests():
    """Keep the test's connection (and its open transaction) through WSGI requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app(world, settings, tmp_path):
    # No rate limit gets in the way of the fuzzer; uploads land in a temporary folder.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            scope: "1000000/min" for scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        },
    }
    settings.MEDIA_ROOT = tmp_path
    with connection_kept_across_requests():
        yield WSGIHandler()


_SCHEMAS: dict[tuple[str, str], dict] = {}


def load_schema(app, *, host: str, raw_token: str):
    """The host's schema, fetched through the same WSGI app (Django's test client would
    switch connection closing back on); generated once per host and URLconf per run."""
    key = (host, django_settings.ROOT_URLCONF)
    if key not in _SCHEMAS:
        loaded = schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json",
            app,
            headers={"Host": host, "Authorization": f"Bearer {raw_token}"},
        )
        _SCHEMAS[key] = loaded.raw_schema
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_SCHEMAS[key]))
    schema.app = app
    return schema


def known_ids(app, *, host: str, headers: dict, operation, cache: dict) -> list:
    """Ids the caller can see in the list next to an ``/…/{id}/…`` operation (page 1)."""
    path_params = [p for p in operation.definition.raw.get("parameters", []) if p["in"] == "path"]
    if len(path_params) != 1:
        return []
    list_path = operation.path.split("{", 1)[0]
    if list_path not in cache:
        response = WerkzeugClient(app).get(
            list_path, query_string={"page_size": 100}, headers={"Host": host, **headers}
        )
        ids = []
        if response.status_code == 200 and "json" in (response.content_type or ""):
            body = response.get_json()
            items = body.get("results", []) if isinstance(body, dict) else body
            ids = [i["id"] for i in items if isinstance(i, dict) and "id" in i]
        cache[list_path] = ids[:8]
    return cache[list_path]


def strategy_for(operation, mode, *, ids=()):
    """Cases for one operation.

    Valid input asks for page 1 of a list (random page numbers would mostly be past the
    end and never reach the filters) and mostly targets objects that exist (``ids``),
    so the code behind the 404 gets exercised too.
    """
    raw_parameters = operation.definition.raw.get("parameters", [])
    query_names = {p.get("name") for p in raw_parameters if p.get("in") == "query"}
    if mode != GenerationMode.POSITIVE:
        return operation.as_strategy(generation_mode=mode)
    query = {"page": 1} if "page" in query_names else None
    strategies = [operation.as_strategy(generation_mode=mode, query=query)]
    if ids:
        name = next(p["name"] for p in raw_parameters if p.get("in") == "path")
        strategies += [
            operation.as_strategy(generation_mode=mode, query=query, path_parameters={name: i})
            for i in ids
        ]
    return st.one_of(strategies)


def seed_institution(institution, world) -> None:
    """The apps' demo data in the institution (inside the test's transaction), so the
    fuzzer meets real facilities, bookings, documents and posts."""

    class People(dict):
        def __missing__(self, key):  # a role a later seed asks for: a staff member
            return world.staff_a

    people = People(
        {
            "admin": world.admin_a,
            "facility": world.manager_a,
            "staff1": world.staff_a,
            "staff2": world.staff_a2,
            "staff3": world.staff_a,
            "staff4": world.staff_a2,
            "residents": [world.resident, world.resident2],
        }
    )
    with schema_context(institution.schema_name):
        for hook in demo.app_seed_hooks():
            hook(institution=institution, people=people)


def fuzz(app, *, host: str, raw_token: str) -> list[str]:
    """Run every operation of the host's schema; return the failures (empty when all pass)."""
    schema = load_schema(app, host=host, raw_token=raw_token)
    headers = {"Authorization": f"Bearer {raw_token}"}
    base_url = f"http://{host}"
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema has no operations"
    lists: dict[str, list] = {}
    for operation in operations:
        ids = known_ids(app, host=host, headers=headers, operation=operation, cache=lists)
        for mode in MODES:

            @given(case=strategy_for(operation, mode, ids=ids))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            def run(case):
                with transaction.atomic():
                    response = case.call(base_url=base_url, headers=headers)
                    transaction.set_rollback(True)
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                run()
            except (
                Exception,
                BaseExceptionGroup,
            ) as error:  # collect all operations' failures, then report
                failures.append(f"{operation.label} [{mode.value}] on {host}:\n{error}")
    return failures


def test_fuzz_requests_share_the_test_transaction(world, wsgi_app):
    """A token created (uncommitted) in this test authenticates through the WSGI app."""
    _token, raw = token_create(user=world.resident, name="fuzz")
    schema = load_schema(wsgi_app, host="localhost", raw_token=raw)
    operation = schema["/api/v1/me/"]["GET"]
    response = operation.Case().call(
        base_url="http://localhost", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["email"] == world.resident.email
    assert connection.in_atomic_block and not connection.needs_rollback


@pytest.mark.parametrize("host", ["testa.localhost", "localhost"])
def test_fuzz_api(world, wsgi_app, host):
    """As an institution admin and as a resident. The institution is seeded once for
    both (seeding the demo data costs as much as fuzzing, and each fuzz example rolls
    back its own writes anyway)."""
    if host != "localhost":
        seed_institution(world.inst_a, world)
    failures = []
    for who in ("admin_a", "resident"):
        _token, raw = token_create(user=getattr(world, who), name=f"fuzz {who}")
        failures += [f"as {who}: {f}" for f in fuzz(wsgi_app, host=host, raw_token=raw)]
    assert connection.in_atomic_block and not connection.needs_rollback
    assert not failures, "\n\n".join(failures)


def test_fuzzer_reports_a_server_error(world, wsgi_app, settings):
    """Self-test of the harness: an endpoint that crashes on ?by=0 is reported, not hidden."""
    settings.ROOT_URLCONF = "tests.api.urls_fuzz_selftest"
    _token, raw = token_create(user=world.admin_a, name="fuzz self-test")
    failures = fuzz(wsgi_app, host="testa.localhost", raw_token=raw)
    assert any("GET /api/v1/divide/" in f and "Server error" in f for f in failures), failures
