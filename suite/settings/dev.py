"""Development: `make run`. DEBUG on unless told otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from suite.settings.base import *  # noqa: E402,F403
