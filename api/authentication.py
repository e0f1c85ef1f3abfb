"""Personal API tokens (see api/tokens.py). Filled in by the API work."""

from rest_framework import authentication


class TokenAuthentication(authentication.BaseAuthentication):
    """Placeholder-free default: no token header means "not this scheme"."""

    keyword = "Bearer"

    def authenticate(self, request):
        return None

    def authenticate_header(self, request):
        return self.keyword
