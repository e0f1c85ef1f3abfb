"""The booking endpoint's refusals while a facility's waiting room runs, answered in
front of Django by the waiting room's lane (``waiting_room_lane.QueueLane``).

Why: in an opening rush most booking requests are refused — the person was not
admitted yet (403), the opening sold out (409), or the slot went to someone a moment
earlier (409). Through the full stack each refusal paid for every middleware, DRF and
its renderers; here it is the API's own steps, in the API's order, without them:

1. the body parsed by the API's JSON parser and checked by its serializer
   (``ReservationCreateSerializer``);
2. the facility and whether the slot is taken, in the one statement the API reads
   (``selectors.facility_for_booking``: an unknown or hidden facility → Django's 404);
3. the booking rate limits counted (``suite.ratelimit``, per account and per address) —
   once: a request handed on to Django carries the count in its WSGI environment
   (``ratelimit.LANE_COUNTED``), so Django's throttle does not count it again;
4. the waiting room's admission (``waiting_room.admission_check``: managers are not
   held) → 403, then its sold-out flag → 409, in the error shape Django would answer
   (``api.errors``);
5. a taken slot: the booking service's own checks (``reservation_request(taken=True)``,
   which refuses before any write) → 409.

The lane only ever refuses. Anything else — no room running, a booking to make, a
cookie (a browser session or a language chosen),
an ``Idempotency-Key``, a body or token the API would refuse for another reason, a
rate limit spent, any doubt — goes to Django unchanged (the body handed back as it
came), which answers as before. tests/facility_booking/test_booking_lane.py holds the
lane's answers to Django's.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from facility_booking import waiting_room as wr

PATH = "/api/v1/reservations/"
MAX_BODY = 16 * 1024  # a booking's JSON is a few hundred bytes; more goes to Django


def answer(environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The lane's refusal of a booking request, or None: Django answers it."""
    if not _plain_json_post(environ):
        return None
    from facility_booking import waiting_room_lane as lane

    secure = lane._secure(environ)
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not secure:
        return None
    authorization = environ.get("HTTP_AUTHORIZATION") or ""
    if not wr.credential_binding(authorization):
        return None
    institution = lane._institution(lane._hostname(environ))
    if institution is None:
        return None
    raw = _raw_body(environ)
    glance = _FACILITY.search(raw) if raw is not None else None
    if raw is None or glance is None:
        return None
    from suite.middleware import use_institution_schema

    use_institution_schema(institution)
    now = timezone.now()
    state = wr.room_state(int(glance.group(1)), now=now)
    if state is None or not state.active(now):
        return None  # no room: the booking endpoint's own path
    data = _body(raw)
    if data is None or data.get("facility") != state.facility_id:
        return None
    from api.tokens import token_lookup

    token = token_lookup(authorization[7:].strip())
    if token is None or (
        token.institution_id is not None and token.institution_id != institution.pk
    ):
        return None
    # Django answers a bearer token in the platform's language: suite.locale reads the
    # person's choice from the session or cookies (none here — a cookie goes to Django)
    # before DRF signs the token's person in.
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        refusal = _refusal(environ, data, token, institution, state, now)
    if refusal is None:
        return None
    status, body = refusal
    return lane.json_answer(status, body, secure=secure, language=language)


def _plain_json_post(environ: dict) -> bool:
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH:
        return False
    if environ.get("QUERY_STRING") or environ.get("HTTP_COOKIE"):
        return False
    if environ.get("HTTP_IDEMPOTENCY_KEY") is not None:
        return False
    media = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if media != "application/json":
        return False
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return False
    return 0 < length <= MAX_BODY


def _raw_body(environ: dict) -> bytes | None:
    """The body as sent; the stream handed back for Django (None: cut short)."""
    length = int(environ["CONTENT_LENGTH"])
    try:
        raw = environ["wsgi.input"].read(length)
    except (OSError, ValueError):  # the client went away mid-body: Django reads nothing
        raw = b""
    environ["wsgi.input"] = io.BytesIO(raw)
    if len(raw) != length:
        environ["CONTENT_LENGTH"] = str(len(raw))
        return None
    return raw


# A glance at the facility asked for, to leave every booking of a facility without a
# running room to Django before any parsing; the API's parser decides after (_body).
_FACILITY = re.compile(rb'"facility"\s*:\s*([1-9][0-9]{0,17})\s*[,}]')


def _body(raw: bytes) -> dict | None:
    """The body as the API's parser reads it."""
    from rest_framework.exceptions import APIException

    from api.parsers import JSONParser

    try:
        data = JSONParser().parse(io.BytesIO(raw), "application/json", {})
    except APIException:
        return None
    return data if isinstance(data, dict) else None


def _refusal(environ, data, token, institution, state, now) -> tuple[int, dict] | None:
    from api.tokens import token_touch
    from facility_booking import selectors
    from facility_booking.api import ReservationCreateSerializer
    from facility_booking.waiting_room_lane import _Shim
    from suite import ratelimit
    from suite.net import client_ip

    user = token.user
    serializer = ReservationCreateSerializer(data=data)
    if not serializer.is_valid():
        return None
    d = serializer.validated_data
    try:
        facility, taken = selectors.facility_for_booking(
            user, institution, d["facility"], start=d["start"], end=d["end"]
        )
    except Http404:
        return None
    shim = _Shim(environ, user)
    token_touch(token, ip_address=client_ip(shim))  # type: ignore[arg-type]  # reads META
    spent = ratelimit.check(shim, action="booking")
    environ[ratelimit.LANE_COUNTED] = spent
    if spent is not None:
        return None  # Django answers 429 from the count made here
    try:
        wr.admission_check(user=user, institution=institution, facility_id=facility.pk, now=now)
    except wr.AdmissionRequired as refused:
        return _error("admission", refused)
    if state.sold_out and now >= state.opens_at:
        return _error("sold_out", None)
    if not taken:
        return None  # a booking to make
    return _taken(user, institution, facility, d, now)


def _taken(user, institution, facility, d, now) -> tuple[int, dict] | None:
    """The booking service's answer to a request for a taken slot (it refuses before
    any write when told ``taken=True``): 409 as the API gives it, or None."""
    from facility_booking import services
    from facility_booking.api import request_fields
    from facility_booking.errors import SlotTaken

    try:
        services.reservation_request(
            actor=user,
            institution=institution,
            facility=facility,
            now=now,
            taken=True,
            **request_fields(d),
        )
    except SlotTaken as error:
        return _error("taken", error)
    except (ValidationError, PermissionDenied):
        return None  # another answer (400, 403): Django's
    return None


def _error(kind: str, error) -> tuple[int, dict]:
    """The API's error shape for the refusal, built by its own exception handler."""
    from rest_framework.exceptions import APIException

    from api.errors import Conflict, exception_handler
    from facility_booking.api_queue import AdmissionRefused, SoldOut

    exc: APIException
    if kind == "admission":
        exc = AdmissionRefused(error.message, error.code)
    elif kind == "sold_out":
        exc = SoldOut(wr.admission_message(wr.CODE_SOLD_OUT), wr.CODE_SOLD_OUT)
    else:
        exc = Conflict(error.messages[0])
    response = exception_handler(exc, {})
    return response.status_code, response.data
