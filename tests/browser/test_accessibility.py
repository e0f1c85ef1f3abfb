"""Accessibility: axe-core (WCAG 2.x A/AA rules, which KWCAG 2.2 follows) finds no serious
and no critical violation on the pages people use most, each as its user sees it."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import assert_styled, sign_in, visit

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:5]]
            found.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} — {targets}"
            )
    return found


def _facility(site) -> str:
    return f"{site.host()}/facilities/{site.facility_id}/"


# (page, who, how to get there)
PAGES = {
    "portal home": (None, lambda s: f"{s.apex}/"),
    "search results": (None, lambda s: f"{s.apex}/portal/search/?q=햇살마루"),
    "facility page": (None, _facility),
    "login page": (None, lambda s: f"{s.apex}/accounts/login/"),
    "booking form": ("resident", lambda s: _facility(s) + "apply/"),
    "staff dashboard": ("drafter", lambda s: f"{s.host()}/staff/"),
    "approval inbox": ("drafter", lambda s: f"{s.host()}/staff/approval/"),
    "draft form": ("drafter", lambda s: f"{s.host()}/staff/approval/new/"),
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_violations(live, browser_context, name, viewport):
    who, url = PAGES[name]
    if who is None:
        page = browser_context(viewport).new_page()
        page.goto(url(live))
    else:
        # Signed in once per person; later pages reuse the cookies, as a browser would.
        email = live.people[who].email
        state = live.signed_in.get(email)
        page = browser_context(viewport, storage_state=state).new_page()
        if state is None:
            sign_in(page, live, email)
        visit(page, live, url(live), email)
        live.signed_in[email] = page.context.storage_state()
    page.wait_for_load_state("networkidle")
    assert page.url.split("?")[0] == url(live).split("?")[0], page.url
    assert_styled(page)
    found = serious_violations(page)
    assert not found, f"{name} ({viewport['width']} px):\n" + "\n".join(found)


def test_the_checker_sees_violations(live, browser_context):
    """The check can fail: an image without text and an unlabelled field are reported."""
    page = browser_context(DESKTOP).new_page()
    page.goto(f"{live.apex}/accounts/login/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<img src="/static/none.png"><input type="text">');
        }"""
    )
    found = serious_violations(page)
    assert any(re.search(r"image-alt|label", line) for line in found), found
