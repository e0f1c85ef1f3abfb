"""Help texts are linked to their fields: every aria-describedby names ids that exist on
the page (sign-up's phone and password help, and the shared form include)."""

import re

import pytest


def _missing_ids(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    wanted = []
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        wanted.extend(value.split())
    return [i for i in wanted if i not in ids]


def test_signup_help_texts_are_described_by(world, apex):
    html = apex().get("/accounts/signup/").content.decode()
    for field in ("phone", "password1"):
        tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
        target = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
        assert re.search(rf'id="{target}"[^>]*>[^<]+', html), field
    assert _missing_ids(html) == []


@pytest.mark.parametrize(
    ("host", "path", "who"),
    [
        ("apex", "/accounts/signup/", None),
        ("apex", "/accounts/profile/", "resident"),
        ("a", "/manage/members/", "admin_a"),
        ("a", "/staff/calendar/events/new/", "staff_a"),
    ],
)
def test_no_page_points_at_a_missing_description(world, apex, on_host, host, path, who):
    user = getattr(world, who) if who else None
    client = apex(user) if host == "apex" else on_host(world.inst_a, user)
    response = client.get(path)
    assert response.status_code == 200
    assert _missing_ids(response.content.decode()) == []
