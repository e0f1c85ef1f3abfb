"""On a phone a staff sub-menu is one row that scrolls sideways — not a wall of buttons —
each link still a 44 px tap target, and the current page's link scrolled into view."""

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import sign_in, visit

MEASURE = """() => {
  const nav = document.querySelector('nav.subnav');
  const box = nav.getBoundingClientRect();
  const links = [...nav.querySelectorAll('a')].map(a => a.getBoundingClientRect());
  const current = nav.querySelector('[aria-current]').getBoundingClientRect();
  return {
    height: box.height, scrolls: nav.scrollWidth > nav.clientWidth,
    rows: new Set(links.map(r => Math.round(r.top))).size,
    shortest: Math.min(...links.map(r => r.height)), count: links.length,
    currentVisible: current.left >= box.left - 1 && current.right <= box.right + 1,
    pageScrollX: window.scrollX, pageWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  };
}"""


def _measure(live, browser_context, viewport, path):
    email = live.people["manager"].email
    state = live.signed_in.get(email)
    page = browser_context(viewport, storage_state=state).new_page()
    if state is None:
        sign_in(page, live, email)
    visit(page, live, f"{live.host()}{path}", email)
    live.signed_in[email] = page.context.storage_state()
    page.wait_for_load_state("networkidle")
    return page.evaluate(MEASURE)


def test_the_facility_managers_subnav_is_one_scrolling_row_on_a_phone(live, browser_context):
    # "통계" is near the end of a dozen links: far off to the right on a phone.
    seen = _measure(live, browser_context, PHONE, "/facilities/manage/reports/")
    assert seen["count"] >= 10
    assert seen["rows"] == 1 and seen["scrolls"], seen
    assert seen["height"] < 80, seen
    assert seen["shortest"] >= 44, seen
    assert seen["currentVisible"], seen
    # The row scrolls, not the page.
    assert seen["pageWidth"] <= seen["viewport"] and seen["pageScrollX"] == 0, seen


def test_on_a_desktop_the_subnav_still_wraps_without_scrolling(live, browser_context):
    seen = _measure(live, browser_context, DESKTOP, "/facilities/manage/")
    assert not seen["scrolls"] and seen["currentVisible"], seen
