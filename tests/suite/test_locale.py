"""The language a request activates is the request's only (suite/locale.py): once the
response is made — or the view raised — the thread is back in its previous language, so
code outside a request (a worker, a task, the next test) reads Korean, the default."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from suite.locale import KoreanFirstLocaleMiddleware


def test_after_an_english_request_the_thread_is_korean_again(world, apex):
    translation.activate(settings.LANGUAGE_CODE)
    client = apex()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    # the same thread, outside a request: the default language
    assert translation.get_language() == "ko"
    assert str(translation.gettext("취소")) == "취소"


def test_the_previous_language_comes_back_even_when_the_view_raised(rf: RequestFactory):
    seen = []

    def view(request):
        seen.append(translation.get_language())
        raise RuntimeError("the view failed")

    request = rf.get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("ko")
    with pytest.raises(RuntimeError):
        KoreanFirstLocaleMiddleware(view)(request)
    assert seen == ["en"]
    assert translation.get_language() == "ko"


def test_a_language_active_before_the_request_is_given_back(rf: RequestFactory):
    """Not the default, the *previous* one: a caller that chose English keeps it."""
    request = rf.get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "ko"

    def view(request):
        from django.http import HttpResponse

        assert translation.get_language() == "ko"
        return HttpResponse("ok")

    with translation.override("en"):
        response = KoreanFirstLocaleMiddleware(view)(request)
        assert translation.get_language() == "en"
    assert response["Content-Language"] == "ko"
