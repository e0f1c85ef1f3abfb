"""Host routing: apex → portal and console; institution host → that institution."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, remove_www

from api.authentication import platform_operator_token
from tenants.hosts import institution_for_host
from tenants.models import Institution, apex_url


def is_apex_host(hostname: str) -> bool:
    return hostname == settings.SUITE_DOMAIN or hostname in settings.SUITE_APEX_ALIASES


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def error_response(request, status: int, code: str, message: str, template: str, context=None):
    """One error for pages and API: JSON error shape on /api/, a page elsewhere."""
    if is_api_path(request.path):
        return JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}},
            status=status,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    html = render_to_string(
        template, {"message": message, "status": status, **(context or {})}, request=request
    )
    return HttpResponse(html, status=status)


class InstitutionMiddleware(MiddlewareMixin):
    """Pick the schema and URLconf from the Host header.

    Unknown hosts get a 404 that names no institution. Sets
    ``request.institution`` (None on the apex) and ``request.tenant``.

    The host's institution comes from the shared cache (tenants.hosts: no query once
    cached, stale at once when a domain or the institution changes). The connection's
    schema is switched only when it is not already the one wanted, so a connection that
    served the same institution before sends no ``SET search_path`` at all
    (``TENANT_LIMIT_SET_CALLS``, suite/postgresql_backend) — and a new one sends it once.
    """

    def process_request(self, request):
        hostname = remove_www(request.get_host().split(":")[0]).lower()
        request.institution = None
        if is_apex_host(hostname):
            use_public_schema()
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return None
        institution = institution_for_host(hostname)
        if institution is None:
            use_public_schema()
            return error_response(
                request,
                404,
                "unknown_host",
                _("요청하신 주소를 찾을 수 없습니다."),
                "errors/unknown_host.html",
                {
                    "portal_url": apex_url("/"),
                    "institutions_url": apex_url(
                        reverse("portal:institutions", urlconf=settings.PUBLIC_SCHEMA_URLCONF)
                    ),
                },
            )
        request.institution = institution
        request.tenant = institution
        use_institution_schema(institution)
        request.urlconf = settings.ROOT_URLCONF
        return None


def use_public_schema() -> None:
    """The public schema for this request (no statement sent if already there)."""
    if connection.schema_name != get_public_schema_name() or not connection.include_public_schema:
        connection.set_schema_to_public()


def use_institution_schema(institution) -> None:
    """The institution's schema for this request (no statement sent if already there)."""
    if connection.schema_name == institution.schema_name and connection.include_public_schema:
        connection.tenant = institution  # same schema: the search_path already sent holds
    else:
        connection.set_tenant(institution)


class InstitutionStatusMiddleware(MiddlewareMixin):
    """Suspended institutions answer 503 and archived ones 410, except to the operator."""

    def process_request(self, request):
        institution = getattr(request, "institution", None)
        if institution is None or institution.status == Institution.Status.ACTIVE:
            return None
        if request.path in ("/healthz", "/readyz", "/accounts/login/", "/accounts/sso/accept/"):
            return None
        user = getattr(request, "user", None)
        if getattr(user, "is_platform_operator", False) or platform_operator_token(request):
            return None
        if institution.status == Institution.Status.SUSPENDED:
            # The page names the institution, how to reach it, why (when the operator
            # gave a reason) and the way back to the portal, where bookings stay in sight.
            response = error_response(
                request,
                503,
                "institution_suspended",
                _("이 기관의 서비스가 일시 정지되었습니다. 기관에 문의해 주세요."),
                "errors/suspended.html",
                {
                    "suspended": institution,
                    "reason": institution.status_reason,
                    "portal_home": apex_url("/"),
                    "portal_bookings": apex_url("/portal/my/bookings/"),
                },
            )
            response["Retry-After"] = "3600"
            return response
        return error_response(
            request,
            410,
            "institution_archived",
            _("이 기관의 서비스는 종료되었습니다."),
            "errors/archived.html",
        )
