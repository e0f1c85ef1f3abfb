"""The booking endpoint's refusals answered by the waiting room's lane
(facility_booking/booking_lane.py): the same status and body as Django's, nothing
stored, the rate limit counted once, and everything else handed to Django unchanged."""

import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from api.tokens import token_create
from facility_booking import waiting_room as wr
from facility_booking import waiting_room_lane as lane
from facility_booking.models import Reservation
from suite import ratelimit
from tests.facility_booking.conftest import make_facility
from tests.facility_booking.test_waiting_room import booking_body, make_room, queue_url

DJANGO = 599
PATH = "/api/v1/reservations/"


@pytest.fixture(autouse=True)
def _fresh_memos():
    wr._memo.clear()
    lane._hosts.clear()
    yield
    wr._memo.clear()
    lane._hosts.clear()


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        return make_facility(name="러시 구장", base_fee=0, approval_required=False)


class RealDjango:
    """The suite's Django behind the lane, as the test client runs it (its database
    connection kept: the test's transaction)."""

    def __init__(self):
        self.handler = ClientHandler()

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]


class Django:
    """The application behind the lane: records the environment it was handed."""

    def __init__(self):
        self.seen: list[dict] = []

    def __call__(self, environ, start_response):
        self.seen.append(environ)
        start_response(f"{DJANGO} Django", [("Content-Type", "text/plain")])
        return [b"django"]


def post(app, host, raw, body, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_AUTHORIZATION": f"Bearer {raw}",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    answer = b"".join(app(environ, start_response))
    status = int(seen["status"].split()[0])
    return status, seen["headers"], (json.loads(answer) if status != DJANGO else None), environ


def through_django(world, raw, body, **extra):
    client = Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = client.post(PATH, body, content_type="application/json", **extra)
    return answer.status_code, answer.json()


def bearer(user, name="booking lane"):
    return token_create(user=user, name=name)[1]


def _taken(world, hall, hour=10):
    """Another person's booking of hour:00 on the opening's day (made by the service)."""
    from facility_booking import services
    from tests.facility_booking.conftest import at

    with schema_context(world.inst_a.schema_name):
        return services.reservation_request(
            actor=world.staff_b,
            institution=world.inst_a,
            facility=hall,
            start=at(3, hour),
            end=at(3, hour + 1),
            purpose="먼저 온 사람",
            contact_phone="010-1111-2222",
        )


def test_refusals_are_the_apis_own(world, hall):
    """Not admitted (403), a taken slot (409), sold out (409): the lane's status and body
    are Django's; nothing is stored; a refusal costs a handful of statements."""
    _taken(world, hall, 10)
    make_room(world, hall, opens_in=-1, rate=60)
    host = world.inst_a.primary_host
    admitted, stranger = bearer(world.resident), bearer(world.resident2)
    Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {admitted}").post(queue_url(hall))
    django = Django()
    app = lane.QueueLane(django)
    body = booking_body(hall, 10)
    with schema_context(world.inst_a.schema_name):
        before = Reservation.objects.count()

    no_ticket = post(app, host, stranger, body)
    assert no_ticket[0] == 403 and no_ticket[1]["X-Queue-Lane"] == "1"
    assert no_ticket[2]["error"]["code"] == "admission_required"
    assert (no_ticket[0], no_ticket[2]) == through_django(world, stranger, body)

    with CaptureQueriesContext(connection) as queries:
        taken = post(app, host, admitted, body)
    assert taken[0] == 409 and taken[2]["error"]["code"] == "conflict"
    assert len(queries.captured_queries) <= 6, [q["sql"][:60] for q in queries.captured_queries]
    assert (taken[0], taken[2]) == through_django(world, admitted, body)

    with schema_context(world.inst_a.schema_name):
        wr.WaitingRoom.objects.filter(facility=hall).update(sold_out_at=wr.timezone.now())
    wr._memo.clear()
    sold_out = post(app, host, admitted, booking_body(hall, 12))
    assert sold_out[0] == 409 and sold_out[2]["error"]["code"] == "sold_out"
    assert (sold_out[0], sold_out[2]) == through_django(world, admitted, booking_body(hall, 12))
    assert django.seen == []
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.count() == before


def test_a_person_reading_english_is_refused_as_django_refuses(world, hall):
    """The API answers a bearer token in the platform's language (suite.locale reads no
    person before DRF signs them in); the lane says the same."""
    _taken(world, hall, 10)
    make_room(world, hall, opens_in=-1, rate=60)
    world.resident.preferred_language = "en"
    world.resident.save(update_fields=["preferred_language"])
    raw = bearer(world.resident)
    refused = post(lane.QueueLane(Django()), world.inst_a.primary_host, raw, booking_body(hall))
    assert refused[0] == 403 and refused[1]["Content-Language"] == "ko"
    assert refused[2] == through_django(world, raw, booking_body(hall))[1]


@pytest.mark.parametrize(
    "change",
    [
        "no_room",
        "free_slot",
        "no_purpose",
        "not_json",
        "nan",
        "unknown_facility",
        "cookie",
        "idempotency_key",
        "query",
        "form",
        "other_institution_token",
    ],
)
def test_everything_else_goes_to_django_unchanged(world, hall, change):
    """Anything the lane does not refuse itself reaches Django with the body as sent."""
    _taken(world, hall, 10)
    make_room(world, hall, opens_in=-1, rate=60, enabled=change != "no_room")
    raw = bearer(world.resident2)  # not admitted: the lane would answer 403
    if change == "free_slot":  # admitted, and the slot is free: a booking to make
        Client(HTTP_HOST=world.inst_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}").post(
            queue_url(hall)
        )
    body: dict | bytes = booking_body(hall, 11 if change == "free_slot" else 10)
    extra: dict = {}
    if change == "no_purpose":
        body = {**booking_body(hall, 10), "purpose": ""}
    elif change == "not_json":
        body = b'{"facility": '
    elif change == "nan":
        body = json.dumps(booking_body(hall, 10)).replace("10,", "NaN,", 1).encode()
    elif change == "unknown_facility":
        body = {**booking_body(hall, 10), "facility": hall.pk + 10_000}
    elif change == "cookie":
        extra = {"HTTP_COOKIE": "django_language=en"}
    elif change == "idempotency_key":
        extra = {"HTTP_IDEMPOTENCY_KEY": "a-key"}
    elif change == "query":
        extra = {"QUERY_STRING": "x=1"}
    elif change == "form":
        extra = {"CONTENT_TYPE": "application/x-www-form-urlencoded"}
    elif change == "other_institution_token":
        raw = token_create(user=world.resident2, name="b 전용", institution=world.inst_b)[1]
    django = Django()
    status, _headers, _body, environ = post(
        lane.QueueLane(django), world.inst_a.primary_host, raw, body, **extra
    )
    sent = body if isinstance(body, bytes) else json.dumps(body).encode()
    assert status == DJANGO and django.seen
    assert django.seen[-1]["wsgi.input"].read() == sent


def test_a_request_handed_on_is_counted_once(world, hall, settings):
    """The lane counts the booking rate limits before it hands a booking to make to
    Django; Django's throttle takes that count instead of counting again."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "booking": "1/min",
        },
    }
    make_room(world, hall, opens_in=-1, rate=60)
    raw = bearer(world.resident)
    host = world.inst_a.primary_host
    Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {raw}").post(queue_url(hall))
    app = lane.QueueLane(RealDjango())
    made = post(app, host, raw, booking_body(hall, 11))
    assert made[0] == 201 and "X-Queue-Lane" not in made[1]
    assert made[3][ratelimit.LANE_COUNTED] is None  # counted once, within the limit
    again = post(app, host, raw, booking_body(hall, 12))
    assert again[0] == 429 and again[2]["error"]["code"] == "throttled"
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.filter(facility=hall).count() == 1


def test_a_body_cut_short_goes_to_django_as_it_came(world, hall):
    """The client went away mid-body: Django gets what arrived (and answers 400)."""

    class Cut(io.BytesIO):
        def read(self, size=-1):
            raise OSError("connection reset")

    make_room(world, hall, opens_in=-1, rate=60)
    django = Django()
    _status, _headers, _body, environ = post(
        lane.QueueLane(django),
        world.inst_a.primary_host,
        bearer(world.resident),
        booking_body(hall),
        **{"wsgi.input": Cut()},
    )
    assert django.seen and environ["CONTENT_LENGTH"] == "0"
    assert environ["wsgi.input"].read() == b""
