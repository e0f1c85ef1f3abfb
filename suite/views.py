"""Probes and the error pages every host shares.

``/healthz`` (liveness) — the process answers and reaches the database: one ``SELECT 1``,
the cost of a trivial request. ``/readyz`` (readiness, what load balancers and orchestrators
probe, docs/deployment.md) — the database answers, this host's schema has every migration
this code has, and a task worker is beating: the migration graph read once per
process and the verdict kept until ``django_migrations`` changes; two small statements.
"""

import threading

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suite.models import WorkerHeartbeat

# schema → (rows in its django_migrations, their highest id, migrations pending?)
_MIGRATION_VERDICTS: dict[str, tuple[int, int, bool]] = {}
_VERDICTS_LOCK = threading.Lock()


def _unavailable(error: Exception) -> JsonResponse:
    return JsonResponse(
        {"status": "database_unavailable", "detail": type(error).__name__}, status=503
    )


@never_cache
def healthz(request):
    """200 while the process answers and the database is reachable, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return _unavailable(error)
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


def _readiness_row(schema: str) -> tuple[int, int, int]:
    """This schema's django_migrations (rows, highest id) and the workers that beat
    recently, in two small statements. (-1, -1, n) when the schema has no django_migrations."""
    from suite.queue import dead_after

    heartbeats = f"public.{WorkerHeartbeat._meta.db_table}"  # a model's table name
    sql = f"SELECT to_regclass(%s) IS NOT NULL, (SELECT count(*) FROM {heartbeats} WHERE beat_at >= %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [f'"{schema}".django_migrations', timezone.now() - dead_after()])
        has_table, workers = cursor.fetchone()
        if not has_table:
            return -1, -1, workers
        cursor.execute("SELECT count(*), COALESCE(max(id), 0) FROM django_migrations")
        rows, highest = cursor.fetchone()
    return rows, highest, workers


def migrations_pending(schema: str, rows: int, highest: int) -> bool:
    """Whether ``schema`` lacks a migration this code has; recomputed only when its
    django_migrations changed since the last answer (migration files do not change
    under a running process)."""
    from tenants.provisioning import pending_migrations

    known = _MIGRATION_VERDICTS.get(schema)
    if known is not None and known[:2] == (rows, highest):
        return known[2]
    pending = rows < 0 or bool(pending_migrations(schema))
    with _VERDICTS_LOCK:
        _MIGRATION_VERDICTS[schema] = (rows, highest, pending)
    return pending


@never_cache
def readyz(request):
    """200 when this host can serve: database reachable and every migration applied
    (503 otherwise). A missing task worker is reported (``degraded``) but does not take
    the web process out of service — e-mails and refills wait, pages do not."""
    schema = connection.schema_name
    try:
        rows, highest, workers = _readiness_row(schema)
        pending = migrations_pending(schema, rows, highest)
    except DatabaseError as error:
        return _unavailable(error)
    checks = {
        "database": "ok",
        "migrations": "pending" if pending else "ok",
        "worker": "ok" if workers else "missing",
    }
    if pending:
        return JsonResponse(
            {"status": "migrations_pending", "schema": schema, "checks": checks}, status=503
        )
    status = "ok" if workers else "degraded"
    return JsonResponse({"status": status, "schema": schema, "checks": checks})


def bad_request(request, exception=None):
    from suite.middleware import error_response

    return error_response(request, 400, "bad_request", _("잘못된 요청입니다."), "errors/400.html")


def permission_denied(request, exception=None):
    from accounts.access import Refused
    from suite.middleware import error_response

    # A member refused a capability is told why (accounts.access.Refused); other 403s
    # say nothing more than that the page is not theirs.
    reason = exception.reason if isinstance(exception, Refused) else None
    return error_response(
        request,
        403,
        "permission_denied",
        str(reason or _("이 페이지에 접근할 권한이 없습니다.")),
        "errors/403.html",
    )


def page_not_found(request, exception=None):
    from suite.middleware import error_response

    return error_response(
        request, 404, "not_found", _("요청하신 페이지를 찾을 수 없습니다."), "errors/404.html"
    )


def server_error(request):
    from suite.middleware import error_response

    return error_response(
        request,
        500,
        "server_error",
        _("일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."),
        "errors/500.html",
    )


def media(request, folder: str, path: str):
    """Public uploads only; see suite.files (normalised path, public folders, no private file)."""
    from suite.files import media as serve_public_media

    return serve_public_media(request, folder, path)
