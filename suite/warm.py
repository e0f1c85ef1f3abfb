"""What a fresh web worker would otherwise pay on its first requests, paid before it
accepts one (suite/wsgi.py calls ``warm_requests`` as each gunicorn worker starts).

The suite imports most of its views lazily: the URLconf is read, and every view module
with it, on the first request that Django resolves; the Korean public holidays load every
country's calendar on first use; a language's catalogue is read when it is first
activated. Measured on a fresh process: the first booking request took 680 ms of CPU
and imported 466 modules; the next ones took ~50 ms. In an opening rush the first
requests Django sees are the bookings of the first people admitted — the moment a
worker can least afford it (the waiting room's lane answers the joins and polls before
them without Django) — and every worker pays it after each restart.
"""

from __future__ import annotations

import datetime as dt


def warm_requests() -> None:
    """Import every URLconf's views and the apps' tasks and public faces, read the
    catalogues and formats, load the holiday calendar."""
    import holidays
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import formats, translation
    from django.utils.module_loading import autodiscover_modules

    for urlconf in dict.fromkeys(
        [settings.ROOT_URLCONF, getattr(settings, "PUBLIC_SCHEMA_URLCONF", None)]
    ):
        if urlconf:
            resolver = get_resolver(urlconf)
            resolver.url_patterns  # noqa: B018 - imports the views
            resolver.reverse_dict  # noqa: B018 - the reverse lookup table, built once
    today = dt.date.today()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("예약")
            formats.date_format(today)
    holidays.country_holidays("KR", years=[today.year, today.year + 1], language="ko")
    # The apps' tasks and public faces, imported by the first request that enqueues a
    # task or crosses to another app; the session and message stores of the first page.
    autodiscover_modules("tasks", "public")
    import django.contrib.messages.storage.fallback  # noqa: F401
    import django.contrib.sessions.serializers  # noqa: F401
