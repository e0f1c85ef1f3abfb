"""Korean first: the language is Korean unless the person chose another.

Django's LocaleMiddleware would follow the browser's Accept-Language; our users are
served in Korean by default and switch with the header's selector. The choice follows
the person across hosts: a signed-in person's is kept on the account
(``User.preferred_language``), an anonymous visitor's with their browser
(``accounts.browser``, carried to institution hosts by the sign-in hop), then this
host's language cookie.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def chosen_language(request) -> str:
    from accounts import browser

    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        preferred = getattr(user, "preferred_language", None)
        if preferred in SUPPORTED:
            return preferred
    for language in (browser.language(request), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if language in SUPPORTED:
            return language
    return settings.LANGUAGE_CODE


class KoreanFirstLocaleMiddleware:
    """Activates the person's language for the request and gives the thread back its
    previous language afterwards — also when the view raised — so code that runs in the
    same thread outside a request (a worker, a test, the next request before its own
    activation) is not left in the last visitor's language."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        return response


@require_POST
def set_language(request):
    """The header's language menu: this host's cookie, the account (signed in), the
    browser (anonymous); on an institution host the choice also goes through the portal
    (the sign-in hop) so the portal and every other host show it too."""
    from django.contrib.auth import get_user_model

    from accounts import browser

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language not in SUPPORTED:
        return response
    user = request.user
    if user.is_authenticated and user.preferred_language != language:
        get_user_model().objects.filter(pk=user.pk).update(preferred_language=language)
    if getattr(request, "institution", None) is not None and not user.is_authenticated:
        from accounts.views import hop_url

        target = response["Location"] if isinstance(response, HttpResponseRedirect) else "/"
        hop = HttpResponseRedirect(hop_url(request, target, silent=True, language=language))
        for cookie in response.cookies.values():
            hop.cookies[cookie.key] = cookie
        return hop
    browser.remember_language(request, language)
    return response
