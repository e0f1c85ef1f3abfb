"""Test-only URLconf without the API's catch-all: Django's own 404 handler answers."""

from suite.urls_tenant import handler404, handler500  # noqa: F401

urlpatterns = []
