"""Garbage in query strings (NUL bytes, huge page numbers, bad dates and ids) never gives a 500."""

import pytest

GARBAGE = [
    {"q": "\x00"},
    {"q": "가" * 3000},
    {"page": "999999999"},
    {"page": "-1"},
    {"date": "9999-99-99"},
    {"cal": "99999999999999999999"},
    {"department": "abc"},
    {"department": "²", "cal": "²"},  # str.isdigit() says yes, int() says no
    {"occ": "20261232T0900"},
]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/directory/",
        "/staff/boards/",
        "/staff/calendar/",
        "/staff/calendar/week/",
        "/staff/calendar/events/new/",
        "/staff/absences/",
        "/staff/resources/",
        "/api/v1/people/",
        "/api/v1/posts/",
        "/api/v1/events/",
    ],
)
def test_garbage_query_strings(world, on_host, path):
    client = on_host(world.inst_a, world.staff_a)
    for params in GARBAGE:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)


def test_feed_token_garbage_is_404(world, on_host):
    client = on_host(world.inst_a)
    for token in ("%00abcdefghijklmnopq", "x", "a" * 5000, "abc%27def%22ghijklmnop"):
        assert client.get(f"/staff/calendar/feed/{token}.ics").status_code == 404
