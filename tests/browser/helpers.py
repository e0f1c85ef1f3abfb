"""What a person does in the browser, in the words they see: labels, roles, visible text."""

import datetime as dt
import re

from django.utils import timezone

from tests.browser.conftest import ARTIFACTS, PASSWORD


def field(page, label: str):
    """The form control labelled ``label`` (a required field's " *" marker allowed)."""
    return page.get_by_label(re.compile(r"^\s*" + re.escape(label) + r"\s*\*?\s*$"))


def agree_to_required(page) -> None:
    """Consent as the law asks: tick the required ([필수]) items, leave optional ones."""
    for box in page.get_by_role("checkbox").all():
        label = box.evaluate(
            "e => ((e.labels && e.labels[0]) || e.closest('label') || e.closest('fieldset') || {}).innerText || ''"
        )
        if "필수" in label and not box.is_checked():
            box.check()


def choose(select, containing: str) -> None:
    """Pick the option whose visible text contains ``containing`` (a person's name)."""
    labels = [t.strip() for t in select.locator("option").all_inner_texts()]
    matches = [t for t in labels if containing in t]
    assert matches, f"no option with {containing!r} in {labels}"
    select.select_option(label=matches[0])


def button(page, name: str):
    return page.get_by_role("button", name=re.compile(r"^\s*" + re.escape(name) + r"\s*$"))


def sign_in(page, site, email: str, password: str = PASSWORD, start: str | None = None):
    """Sign in on the portal's login page, as a person types it (with the second factor
    from their authenticator app when the suite asks for one)."""
    page.goto(start or f"{site.apex}/accounts/login/")
    field(page, "이메일").fill(email)
    field(page, "비밀번호").fill(password)
    button(page, "로그인").click()
    page.wait_for_load_state()
    second_factor(page, site, email)
    assert "/accounts/login/" not in page.url, main_text(page)


def visit(page, site, url: str, email: str) -> None:
    """Open a page as this person (answering the second factor if the page asks)."""
    page.goto(url)
    page.wait_for_load_state()
    second_factor(page, site, email)


def _authenticator_code(site, email: str) -> str:
    """What the person's authenticator app shows: a code for a time step not used yet."""
    import time

    import pyotp

    device = site.authenticators[email]
    totp = pyotp.TOTP(device["secret"])
    while True:
        now = totp.timecode(datetime_now())
        # The suite accepts one step of clock drift; each step only once.
        step = max(now, device["last"] + 1)
        if step <= now + 1:
            device["last"] = step
            return totp.generate_otp(step)
        time.sleep(1)


def datetime_now():
    return dt.datetime.now(dt.UTC)


def second_factor(page, site, email: str) -> None:
    """Answer the suite's two-step verification where it asks: enrol an authenticator
    (reading the setup key shown for people who cannot scan the QR code), note the
    recovery codes, or type the current code."""
    for _step in range(4):
        text = main_text(page)
        key = re.search(r"설정 키\s*:\s*([A-Z2-7]{16,})", text)
        if key:
            site.authenticators[email] = {"secret": key.group(1), "last": -1}
            field(page, "인증 코드").fill(_authenticator_code(site, email))
            page.get_by_role("button", name=re.compile("확인")).first.click()
        elif page.get_by_role("link", name="적어 두었습니다").count():
            page.get_by_role("link", name="적어 두었습니다").click()
        elif field(page, "인증 코드").count() and email in site.authenticators:
            field(page, "인증 코드").fill(_authenticator_code(site, email))
            page.get_by_role("button", name=re.compile("확인")).first.click()
        else:
            return
        page.wait_for_load_state()


def main_text(page) -> str:
    main = page.locator("main")
    return main.inner_text() if main.count() else page.inner_text("body")


def assert_styled(page) -> None:
    """The suite's stylesheet arrived: a person sees the designed page, not bare HTML."""
    loaded = page.evaluate(
        """() => [...document.styleSheets].some(s => {
            try { return (s.href || '').includes('/static/') && s.cssRules.length > 0; }
            catch (e) { return false; }
        })"""
    )
    if not loaded:
        details = page.evaluate(
            """() => ({
                sheets: [...document.styleSheets].map(s => s.href),
                links: [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href),
                resources: performance.getEntriesByType('resource')
                    .filter(r => r.name.includes('/static/'))
                    .map(r => [r.name, r.responseStatus, Math.round(r.duration)]),
            })"""
        )
        raise AssertionError(f"{page.url}: the stylesheet did not load: {details}")


def shot(page, name: str) -> None:
    """A screenshot for a person to look at (var/browser/, gitignored)."""
    assert_styled(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def won(amount: int) -> str:
    return f"{amount:,}원"


def booking_day(days_ahead: int = 4) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days_ahead)


def no_sideways_scroll(page) -> None:
    """On a phone, the page fits the screen's width (no horizontal scrolling)."""
    overflow = page.evaluate(
        "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


def fetch_file(page, link) -> bytes:
    """What clicking a file link gives the person (their cookies, their host)."""
    from urllib.parse import urljoin

    response = page.context.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.ok, f"{response.status} {response.url}"
    return response.body()


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    assert data[:5] == b"%PDF-", "not a PDF"
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
