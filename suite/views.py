from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name


def _pending_migrations() -> bool:
    """Unapplied migrations of the apps that live in the current schema."""
    public = connection.schema_name == get_public_schema_name()
    apps = settings.SHARED_APPS if public else settings.TENANT_APPS
    labels = {config.label for config in django_apps.get_app_configs() if config.name in apps}
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return any(migration.app_label in labels for migration, _backwards in plan)


def healthz(request):
    """200 when the database answers and migrations are applied, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if _pending_migrations():
            return JsonResponse({"status": "migrations_pending"}, status=503)
    except Exception as error:  # any database failure means "not healthy"  # noqa: BLE001
        return JsonResponse(
            {"status": "database_unavailable", "detail": type(error).__name__}, status=503
        )
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


def bad_request(request, exception=None):
    from suite.middleware import error_response

    return error_response(request, 400, "bad_request", _("잘못된 요청입니다."), "errors/400.html")


def permission_denied(request, exception=None):
    from suite.middleware import error_response

    return error_response(
        request,
        403,
        "permission_denied",
        _("이 페이지에 접근할 권한이 없습니다."),
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
