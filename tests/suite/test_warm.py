"""suite/warm.py: a fresh web worker pays for its first requests' imports before it
accepts one (a fresh process here, as gunicorn's worker would be)."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, sys
import django
django.setup()
before = set(sys.modules)
from suite.warm import warm_requests
warm_requests()
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_a_fresh_worker_imports_what_its_first_requests_would():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    # the booking endpoint's views, the lane's refusals' parts, another app's views
    for module in ("facility_booking.api", "api.parsers", "groupware.approval.views"):
        assert module in imported, module
    # the holiday calendar with every country it loads, each app's tasks, the formats
    assert "holidays.countries.south_korea" in imported
    assert {"portal.tasks", "notifications.tasks"} <= imported
    assert "django.conf.locale.ko.formats" in imported
