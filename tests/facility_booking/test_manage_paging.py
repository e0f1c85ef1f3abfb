"""The booking managers' page (/facilities/manage/) is paged: requests awaiting a decision,
bookings awaiting payment and the list of all bookings each show one page of rows with
their own page links (the search filters kept), and the page reads the same number of
statements however many bookings there are."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from facility_booking import services as fb
from facility_booking.staff_views import LIST_PAGE, QUEUE_PAGE
from tests.facility_booking.conftest import at, make_facility, request_kwargs

ROW = re.compile(r'href="/facilities/manage/bookings/\d+/"')


def _requests(world, facility, n, *, first_day=3):
    made = []
    for i in range(n):
        day, hour = first_day + i // 14, 7 + i % 14
        made.append(
            fb.reservation_request(
                **request_kwargs(
                    facility, world.resident, start=at(day, hour), end=at(day, hour + 1)
                )
            )
        )
    return made


def _sections(body):
    pending, rest = body.split('id="pending"', 1)[1].split('id="all-bookings"', 1)
    return pending, rest


def _statements(client, url):
    client.get(url)  # warm: session, caches
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_each_list_shows_one_page_with_its_own_links(world, on_host):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="페이지 회의실", base_fee=0, max_active_per_person=100)
        _requests(world, facility, QUEUE_PAGE * 2 + 3)
    client = on_host(world.inst_a, world.manager_a)
    body = client.get("/facilities/manage/").content.decode()
    pending, everything = _sections(body)
    assert len(ROW.findall(pending)) == QUEUE_PAGE
    assert len(ROW.findall(everything)) == LIST_PAGE
    assert f'<span class="badge warn">{QUEUE_PAGE * 2 + 3}</span>' in pending
    assert "?pending_page=2#pending" in pending
    assert "?page=2#all-bookings" in everything

    last = client.get("/facilities/manage/?pending_page=3&page=2").content.decode()
    pending, everything = _sections(last)
    assert len(ROW.findall(pending)) == 3
    assert len(ROW.findall(everything)) == 3
    # The other list's page and the search filters stay in each list's links.
    assert "pending_page=3&amp;page=1#all-bookings" in everything
    assert "page=2&amp;pending_page=2#pending" in pending
    searched = client.get("/facilities/manage/?status=requested&q=").content.decode()
    assert "status=requested&amp;q=&amp;page=2#all-bookings" in searched
    # A page past the end shows the last page, never an error.
    assert client.get("/facilities/manage/?pending_page=99&page=x").status_code == 200


def test_the_page_reads_the_same_statements_with_more_bookings(world, on_host):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="쿼리 회의실", base_fee=0, max_active_per_person=100)
        _requests(world, facility, 2)
    client = on_host(world.inst_a, world.manager_a)
    few = _statements(client, "/facilities/manage/")
    with schema_context(world.inst_a.schema_name):
        _requests(world, facility, LIST_PAGE + QUEUE_PAGE, first_day=6)
    many = _statements(client, "/facilities/manage/")
    assert many == few
    assert many <= 15  # tests/performance/test_query_counts.py LIMIT
