"""Korean first: the language is Korean unless the person chose another.

Django's LocaleMiddleware would follow the browser's Accept-Language; our
users are served in Korean by default and switch with the header's selector
(a cookie) or their profile's preferred language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class KoreanFirstLocaleMiddleware(MiddlewareMixin):
    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED:
            user = getattr(request, "user", None)
            preferred = (
                getattr(user, "preferred_language", None)
                if getattr(user, "is_authenticated", False)
                else None
            )
            language = preferred if preferred in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
