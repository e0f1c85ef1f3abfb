"""The event list answers one bounded date window (groupware.schedule.filters.EventFilterSet):
bad, reversed or too long windows are a 400 on the field in the one error shape."""

from datetime import timedelta

import pytest
from django.utils import timezone

EVENTS = "/api/v1/events/"


def _event(client, title, start):
    made = client.post(
        EVENTS,
        {
            "title": title,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    return made.json()["id"]


@pytest.mark.parametrize(
    "query, field, message",
    [
        (
            {"start": "2026-13-01"},
            "start",
            "날짜는 2026-11-25처럼 YYYY-MM-DD 형식으로 입력해 주세요.",
        ),
        ({"end": "tomorrow"}, "end", "날짜는 2026-11-25처럼 YYYY-MM-DD 형식으로 입력해 주세요."),
        ({"start": "0001-01-01"}, "start", "1900년부터 2200년 사이의 날짜를 입력해 주세요."),
        (
            {"start": "2026-12-10", "end": "2026-12-01"},
            "end",
            "종료일은 시작일과 같거나 늦어야 합니다.",
        ),
        ({"start": "2026-01-01", "end": "2027-01-03"}, "end", "최대 366일까지 조회할 수 있습니다."),
        ({"calendar": "abc"}, "calendar", None),
        ({"calendar": "0"}, "calendar", None),
    ],
)
def test_bad_windows_are_a_400_on_the_field(world, org, on_host, query, field, message):
    response = on_host(world.inst_a, world.staff_a).get(EVENTS, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    if message:
        assert error["fields"][field] == [message]


def test_the_window_chooses_the_events(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    soon = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    near = soon + timedelta(days=2)
    far = soon + timedelta(days=60)
    _event(client, "가까운 회의", near)
    _event(client, "먼 회의", far)

    def titles(**query):
        return [e["title"] for e in client.get(EVENTS, query).json()["results"]]

    # default: today and the next 30 days
    assert titles() == ["가까운 회의"]
    assert titles(start=far.date().isoformat()) == ["먼 회의"]
    assert titles(start=near.date().isoformat(), end=far.date().isoformat()) == [
        "가까운 회의",
        "먼 회의",
    ]
    assert titles(
        start=near.date().isoformat(), end=far.date().isoformat(), ordering="-starts_at"
    ) == ["먼 회의", "가까운 회의"]
    exactly_a_year = {"start": "2026-01-01", "end": "2027-01-02"}
    assert client.get(EVENTS, exactly_a_year).status_code == 200


def test_a_calendar_one_may_not_see_is_a_404(world, org, on_host):
    assert (
        on_host(world.inst_a, world.staff_a).get(EVENTS, {"calendar": 99999999}).status_code == 404
    )
