"""Security headers on every response: Content-Security-Policy (no inline script),
Permissions-Policy, Cross-Origin-Opener-Policy and friends.

The policy comes from ``CONTENT_SECURITY_POLICY`` (a dict of directive → sources);
pages keep their scripts in static files, so ``script-src 'self'`` holds everywhere.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # style="" attributes in templates (layout tweaks); no <style> elements.
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'", "*.{domain}", "{domain}"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(self), usb=(), interest-cohort=()"
)


# The real payment gateway's window (payments/, PAYMENTS_GATEWAY="toss") loads its SDK
# and frames from the provider; nothing else comes from outside.
TOSS_SOURCES = {
    "script-src": ["https://js.tosspayments.com"],
    "frame-src": ["https://*.tosspayments.com"],
    "connect-src": ["https://*.tosspayments.com"],
    "form-action": ["https://*.tosspayments.com"],
}


def build_policy() -> str:
    policy = dict(getattr(settings, "CONTENT_SECURITY_POLICY", None) or DEFAULT_POLICY)
    if getattr(settings, "PAYMENTS_GATEWAY", "") == "toss":
        for directive, sources in TOSS_SOURCES.items():
            policy[directive] = [*policy.get(directive, ["'self'"]), *sources]
    domain = settings.SUITE_DOMAIN
    port = getattr(settings, "SUITE_PORT", "")
    parts = []
    for directive, sources in policy.items():
        values = []
        for source in sources:
            value = source.format(domain=domain)
            if port and "{domain}" in source:
                # Sign-in hops between the apex and institution hosts post forms across hosts.
                values.extend([f"{value}:{port}", value])
            else:
                values.append(value)
        parts.append(f"{directive} {' '.join(dict.fromkeys(values))}".strip())
    return "; ".join(parts)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages with personal data are not kept in shared caches or the back button.
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response
