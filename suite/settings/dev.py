"""Development: `make run`. DEBUG on unless told otherwise."""

import os

os.environ.setdefault("DEBUG", "1")
# `PORT=8101 make run`: one setting (SUITE_PORT) for the port served and every absolute
# link, redirect, e-mail and the start-up banner.
if os.environ.get("PORT") and not os.environ.get("SUITE_PORT"):
    os.environ["SUITE_PORT"] = os.environ["PORT"]

from suite.settings.base import *  # noqa: E402,F403
