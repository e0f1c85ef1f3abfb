"""`Authorization: Bearer acs_…` — personal API tokens (see api/tokens.py).

A token authenticates its person; what they may do is decided per request by the
capabilities in accounts/access.py against ``request.institution``, so a token used
on institution B's host carries exactly the person's rights in B. A token scoped to
one institution is refused (403) on every other host, the apex included.
"""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.errors import TokenScopeMismatch
from api.tokens import token_lookup, token_touch
from suite.net import client_ip


class TokenAuthentication(authentication.BaseAuthentication):
    """Bearer tokens. No Authorization header (or another scheme) means "not this scheme"."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 헤더는 'Bearer <토큰>' 형식이어야 합니다."), code="invalid_token"
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = token_lookup(raw) if raw else None
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("토큰이 올바르지 않거나 만료 또는 폐기되었습니다."), code="invalid_token"
            )
        institution = getattr(request._request, "institution", None)
        if token.institution_id is not None and (
            institution is None or institution.pk != token.institution_id
        ):
            raise TokenScopeMismatch(token.institution.name)
        token_touch(token, ip_address=client_ip(request))
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def platform_operator_token(request) -> bool:
    """Whether an /api/ request carries a usable Bearer token of the platform operator
    that is valid on this host.

    suite.middleware.InstitutionStatusMiddleware decides before DRF authenticates, so it
    asks here to let the operator's programs through a suspended (or archived)
    institution's 503/410, as the operator's browser session already is. Nothing is
    recorded: DRF authenticates the request again (and notes the token's use) in the view.
    """
    if not request.path.startswith("/api/"):
        return False
    parts = authentication.get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return False
    try:
        raw = parts[1].decode("ascii")
    except UnicodeDecodeError:
        return False
    token = token_lookup(raw)
    if token is None or not token.user.is_platform_operator:
        return False
    institution = getattr(request, "institution", None)
    return token.institution_id is None or (
        institution is not None and institution.pk == token.institution_id
    )
