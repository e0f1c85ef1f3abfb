"""The waiting room at a facility's opening (대기열, NetFunnel-style).

How it works, and why:

- **A place in line** is one ``UPDATE … SET last_seq = last_seq + 1 RETURNING`` on the
  room's row plus the person's ``WaitingPlace`` — the database numbers arrivals in the
  order they reach it, whatever web process answers. One place per person and room
  (joining again returns the same place).
- **Admission is a function of the clock**: from ``opens_at`` the first
  ``admitted_count(now)`` numbers are in, ``admit_per_minute`` more each minute. No
  process has to wake anybody; every process computes the same answer.
- **The admission ticket** is the admitted place itself: valid from the moment the
  number is reached (or the person joined, if later) for ``ticket_minutes``. The booking
  endpoints (form and API) ask ``admission_check``; the person's standing is also handed
  out as a signed token (``place_token``) so that the waiting page's polls answer from
  the token and the room's snapshot alone.
- **The room's snapshot** (settings + the sold-out flag) is read from the database at
  most once a second per process (``room_state``). Whether every slot is taken is
  worked out after booking attempts and, at most every ``RECHECK_SECONDS``, by the one
  process that claims the check — never per waiting person: when the last slot goes,
  everyone still waiting learns it from the flag on their next poll.

Managers of the institution are not held by the room (walk-ins, bookings on behalf).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from facility_booking import availability, permissions
from facility_booking.models import Facility
from facility_booking.models_queue import WaitingPlace, WaitingRoom
from facility_booking.services.common import acting_institution
from institution.audit import audit_record
from suite import queries


def _schema() -> str:
    """The schema of the current connection (django-tenants sets it per request/task)."""
    return str(getattr(connection, "schema_name", "public"))


MEMO_SECONDS = 1.0  # how stale a process's snapshot of a room may be
RECHECK_SECONDS = 5  # how often one process re-counts the free slots while the room runs
MAX_USE_DAYS = 62  # the days one opening may cover

# States a person is told (the page and the API say the same).
OFF = "off"  # no waiting room now: book directly
NOT_JOINED = "not_joined"
WAITING = "waiting"
ADMITTED = "admitted"
EXPIRED = "expired"
SOLD_OUT = "sold_out"

CODE_REQUIRED = "admission_required"
CODE_EXPIRED = "admission_expired"
CODE_SOLD_OUT = "sold_out"


@dataclass(frozen=True)
class RoomState:
    """A snapshot of one room: what every poll and booking check needs."""

    id: int
    facility_id: int
    enabled: bool
    opens_at: dt.datetime
    closes_at: dt.datetime
    queue_opens_at: dt.datetime
    admit_per_minute: int
    ticket_seconds: int
    use_from: dt.date
    use_to: dt.date
    sold_out: bool
    open_to_all: bool = False  # the facility is active and public: anyone signed in sees it

    @classmethod
    def of(cls, room: WaitingRoom) -> RoomState:
        return cls(
            id=room.pk,
            facility_id=room.facility_id,
            enabled=room.enabled,
            opens_at=room.opens_at,
            closes_at=room.closes_at,
            queue_opens_at=room.queue_opens_at,
            admit_per_minute=room.admit_per_minute,
            ticket_seconds=room.ticket_minutes * 60,
            use_from=room.use_from,
            use_to=room.use_to,
            sold_out=room.sold_out_at is not None,
            open_to_all=bool(room.facility.is_active and room.facility.is_public),
        )

    def active(self, now: dt.datetime) -> bool:
        """The room holds the facility's bookings now."""
        return self.enabled and self.queue_opens_at <= now < self.closes_at

    @property
    def ticket_minutes(self) -> int:
        return self.ticket_seconds // 60

    @property
    def per_second(self) -> float:
        return self.admit_per_minute / 60

    @property
    def first_batch(self) -> int:
        """Admitted the moment the window opens: one second's worth."""
        return max(1, math.ceil(self.per_second))

    def admitted_count(self, now: dt.datetime) -> int:
        """Numbers 1…this are in at ``now``."""
        if now < self.opens_at:
            return 0
        return self.first_batch + int((now - self.opens_at).total_seconds() * self.per_second)

    def admit_time(self, seq: int) -> dt.datetime:
        """When number ``seq`` is (or was) let in."""
        extra = max(0, seq - self.first_batch)
        return self.opens_at + dt.timedelta(seconds=math.ceil(extra / self.per_second))

    def ticket_window(self, seq: int, joined_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """(admitted from, may book until) for a place."""
        start = max(self.admit_time(seq), joined_at)
        return start, start + dt.timedelta(seconds=self.ticket_seconds)


# -- the snapshot, per process ---------------------------------------------------------

_memo: dict[tuple[str, int], tuple[float, RoomState | None]] = {}


def forget(facility_id: int) -> None:
    """Drop this process's snapshot of a facility's room (after a change here)."""
    _memo.pop((_schema(), facility_id), None)


def room_state(facility_id: int, *, now: dt.datetime | None = None) -> RoomState | None:
    """The facility's room as seen within the last MEMO_SECONDS (None: it has none)."""
    if not 0 < facility_id < 2**63:  # no such row (and no out-of-range query)
        return None
    key = (_schema(), facility_id)
    hit = _memo.get(key)
    clock = time.monotonic()
    if hit is not None and clock - hit[0] < MEMO_SECONDS:
        return hit[1]
    room = WaitingRoom.objects.select_related("facility").filter(facility_id=facility_id).first()
    state = RoomState.of(room) if room is not None else None
    if room is not None and state is not None:
        now = now or timezone.now()
        if state.active(now) and now >= state.opens_at and _claim_check(room.pk, now):
            state = RoomState.of(_recount(room.pk, now) or room)
    _memo[key] = (clock, state)
    return state


def _claim_check(room_id: int, now: dt.datetime) -> bool:
    """True for the one caller (of any process) that re-counts now; the others wait."""
    due = now - dt.timedelta(seconds=RECHECK_SECONDS)
    return bool(
        WaitingRoom.objects.filter(pk=room_id)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=due))
        .update(checked_at=now)
    )


def free_slots(facility: Facility, state: RoomState, *, now: dt.datetime) -> int:
    """Free slots left among the days the opening covers (the facility's own rules)."""
    count = min((state.use_to - state.use_from).days + 1, MAX_USE_DAYS)
    return sum(d.free_count for d in availability.days(facility, state.use_from, count, now=now))


def _recount(room_id: int, now: dt.datetime) -> WaitingRoom | None:
    """Set or clear the sold-out flag from the free slots now; the room as it is after.
    Marks the room checked, so no process re-counts it for RECHECK_SECONDS."""
    room = WaitingRoom.objects.select_related("facility").filter(pk=room_id).first()
    if room is None or now < room.opens_at:
        return room
    facility = Facility.objects.prefetch_related("hours").get(pk=room.facility_id)
    left = free_slots(facility, RoomState.of(room), now=now)
    if left == 0:
        room.sold_out_at = room.sold_out_at or now
    else:
        room.sold_out_at = None
    room.checked_at = now
    WaitingRoom.objects.filter(pk=room.pk).update(
        sold_out_at=room.sold_out_at, checked_at=room.checked_at
    )
    return room


def note_booking_attempt(facility: Facility, *, now: dt.datetime | None = None) -> None:
    """After a booking was made or lost its slot while the room runs: re-count at once,
    so the waiting line hears "sold out" as soon as the last slot goes.

    In a rush bookings follow each other by milliseconds, and a re-count reads the
    room, the facility and its bookings over the opening's days: a process re-counts at
    most once per ``RECOUNT_GAP``. A booking within the gap marks the room due instead
    (``checked_at`` cleared), and this process's snapshot ends with the gap, so the next
    read of the room — here or in any process — claims the check and counts."""
    now = now or timezone.now()
    state = room_state(facility.pk, now=now)
    if state is None or not state.active(now) or now < state.opens_at:
        return
    key = (_schema(), facility.pk)
    clock = time.monotonic()
    last = _recounted.get(key)
    if last is not None and clock - last < RECOUNT_GAP:
        WaitingRoom.objects.filter(pk=state.id).update(checked_at=None)
        hit = _memo.get(key)
        if hit is not None:
            _memo[key] = (min(hit[0], last + RECOUNT_GAP - MEMO_SECONDS), hit[1])
        return
    _recounted[key] = clock
    room = _recount(state.id, now)
    if room is not None:
        _memo[key] = (clock, RoomState.of(room))


RECOUNT_GAP = 0.5  # seconds: how often one process re-counts after bookings, at most
_recounted: dict[tuple[str, int], float] = {}


# -- places ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    seq: int
    joined_at: dt.datetime


def place_of(state: RoomState, user) -> Place | None:
    row = (
        WaitingPlace.objects.filter(room_id=state.id, user_id=user.pk)
        .values_list("seq", "joined_at")
        .first()
    )
    return Place(*row) if row else None


# One statement: the person's place if they hold one, else the counter moves and the
# place is written together. (Two joins of one person at once: the second insert breaks
# the unique constraint, the whole statement — counter included — is undone.)
_JOIN_SQL = (
    "WITH held AS (SELECT seq, joined_at FROM facility_booking_waitingplace"
    " WHERE room_id = %(room)s AND user_id = %(user)s),"
    " n AS (UPDATE facility_booking_waitingroom SET last_seq = last_seq + 1"
    " WHERE id = %(room)s AND NOT EXISTS (SELECT 1 FROM held) RETURNING last_seq),"
    " made AS (INSERT INTO facility_booking_waitingplace (room_id, user_id, seq, joined_at)"
    " SELECT %(room)s, %(user)s, last_seq, %(now)s FROM n RETURNING seq, joined_at)"
    " SELECT seq, joined_at, true FROM made UNION ALL SELECT seq, joined_at, false FROM held"
)


def _join_once(state: RoomState, user_id: int, now: dt.datetime):
    with connection.cursor() as cursor:
        # Every join takes the room's row lock until its commit: waiting for the WAL to
        # reach the disk there would line the whole crowd up behind the disk. The commit
        # is asynchronous instead (PostgreSQL's synchronous_commit, for this transaction
        # only): a database crash can forget the last fraction of a second of joins —
        # those people join again (docs/fair_booking.md) — but never breaks an order.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_JOIN_SQL, {"room": state.id, "user": user_id, "now": now})
        return cursor.fetchone()


def place_join(*, user, state: RoomState, now: dt.datetime | None = None) -> tuple[Place, bool]:
    """The person's place in the room's line: the next number, or the one they hold.
    One statement when they are new or hold a place still valid. Precondition: the room
    is active (the caller checked)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            row = _join_once(state, user.pk, now)
    except IntegrityError as error:
        return _held_after_race(state, user, error)
    return _joined(state, user, row, now)


def _held_after_race(state: RoomState, user, error: IntegrityError) -> tuple[Place, bool]:
    """The same person joined twice at once (the unique constraint broke the second
    join, ``error``): the other request's place stands."""
    existing = place_of(state, user)
    if existing is None:
        raise error
    return existing, False


def _joined(state: RoomState, user, row, now: dt.datetime) -> tuple[Place, bool]:
    """A join statement's row (seq, joined_at, created) as the place — or, when the time
    to book on a place held ran out, a new place at the back of the line."""
    if row is None:  # the room went away meanwhile
        raise _room_closed()
    place, created = Place(row[0], row[1]), bool(row[2])
    if created or now < state.ticket_window(place.seq, place.joined_at)[1]:
        return place, created
    with transaction.atomic():
        WaitingPlace.objects.filter(room_id=state.id, user_id=user.pk).delete()
        row = _join_once(state, user.pk, now)
    if row is None:
        raise _room_closed()
    return Place(row[0], row[1]), True


def _room_closed() -> ValidationError:
    return ValidationError(_("대기열이 종료되었습니다."), code="room_closed")


def place_join_counted(
    *, user, state: RoomState, count, touch: tuple[str, list] | None, now: dt.datetime
) -> tuple[Place, bool] | Any:
    """``place_join`` for the waiting room's fast lane, in one statement (one implicit
    transaction, its commit asynchronous as ``_join_once``'s) together with the request's
    rate-limit count (``count``: ``suite.ratelimit.PendingCount``) and, when due, the
    API token's use (``touch``: ``api.tokens.token_touch_sql``) — two round trips a join
    with the token's lookup, where the same three writes each took their own (and a
    transaction, a savepoint and a SET around them). A join over the limit writes no
    place: the ``Refusal`` comes back instead (the counts and the token's use stand, as
    with ``ratelimit.check``)."""
    touch_sql, touch_params = touch or ("SELECT 1 WHERE false", [])
    sql = (
        "WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true) AS v),"  # noqa: S608 - our own statement parts; values are parameters
        f" rl AS ({count.sql}),"
        f" lim (k, n) AS (VALUES {', '.join(['(%s, %s)'] * len(count.limits))}),"
        " ok AS (SELECT NOT EXISTS (SELECT 1 FROM rl JOIN lim ON rl.cache_key = lim.k"
        " WHERE rl.hits > lim.n) AS allowed),"
        f" used AS ({touch_sql}),"
        " held AS (SELECT seq, joined_at FROM facility_booking_waitingplace"
        " WHERE room_id = %s AND user_id = %s),"
        " n AS (UPDATE facility_booking_waitingroom SET last_seq = last_seq + 1"
        " WHERE id = %s AND NOT EXISTS (SELECT 1 FROM held) AND (SELECT allowed FROM ok)"
        " RETURNING last_seq),"
        " made AS (INSERT INTO facility_booking_waitingplace (room_id, user_id, seq, joined_at)"
        " SELECT %s, %s, last_seq, %s FROM n RETURNING seq, joined_at)"
        " SELECT rl.cache_key, rl.hits, NULL::bigint, NULL::timestamptz, NULL::boolean"
        " FROM rl, cfg, (SELECT count(*) FROM used) AS u"
        " UNION ALL SELECT NULL, NULL, seq, joined_at, true FROM made"
        " UNION ALL SELECT NULL, NULL, seq, joined_at, false FROM held"
        " WHERE (SELECT allowed FROM ok)"
    )
    params = [*count.params]
    types = ["text", "timestamptz"] * len(count.limits)
    for _scope, key, limit, _end in count.limits:
        params += [key, limit]
        types += ["text", "int"]
    params += [*touch_params, state.id, user.pk, state.id, state.id, user.pk, now]
    types += ["timestamptz", "inet", "bigint", "timestamptz"] if touch else []
    types += ["bigint", "bigint", "bigint", "bigint", "bigint", "timestamptz"]
    name = f"fb_join_{len(count.limits)}_{int(bool(touch))}"
    try:
        with connection.cursor() as cursor:
            _run_prepared(cursor, name, sql, types, params)
            rows = cursor.fetchall()
    except IntegrityError as error:
        return _held_after_race(state, user, error)
    refusal = count.refusal({key: hits for key, hits, *_rest in rows if key is not None})
    if refusal is not None:
        return refusal
    placed = [(seq, joined_at, created) for key, _h, seq, joined_at, created in rows if key is None]
    return _joined(state, user, placed[0] if placed else None, now)


# The join's statement is prepared once per database connection (suite.queries): planning
# it took longer than running it (0.36 against 0.28 ms), on every join of a rush.
# ``DB_PREPARED_STATEMENTS = False`` (a pooler in transaction mode) sends it as it is.


def _run_prepared(cursor, name: str, sql: str, types: list[str], params: list) -> None:
    """Run ``sql`` (``%s`` placeholders) with ``params``, as the connection's prepared
    statement ``name`` unless turned off. Leaves the cursor on the statement's rows."""
    if not getattr(settings, "DB_PREPARED_STATEMENTS", True):
        cursor.execute(sql, params)
        return
    queries.execute_prepared(cursor, name, queries.numbered(sql), ", ".join(types), params)


# -- the place token ---------------------------------------------------------------------
#
# A poll answers from the room's snapshot and this token alone (no session, no database):
# signed with SECRET_KEY (django.core.signing, HMAC-SHA256), salted with the schema so a
# token of one institution means nothing on another's host, naming the room, facility,
# person, place, the opening it belongs to, when it was issued and — for API clients — a
# keyed hash of the credential it was issued to (``b``), so that a token copied out of
# a response is worthless without that person's API token too.

TOKEN_MAX_AGE = 15 * 60  # every answer carries a fresh one; older ones are not believed


def _salt(schema: str | None = None) -> str:
    return f"facility_booking.waiting_room:{schema or _schema()}"


def credential_binding(authorization: str) -> str:
    """A keyed hash of an ``Authorization: Bearer …`` header ("" for anything else)."""
    if authorization[:7].lower() != "bearer ":
        return ""
    key = f"facility_booking.waiting_room.binding:{settings.SECRET_KEY}".encode()
    return hmac.new(key, authorization[7:].strip().encode(), hashlib.sha256).hexdigest()[:20]


def place_token(
    state: RoomState,
    user,
    place: Place,
    *,
    binding: str = "",
    schema: str | None = None,
) -> str:
    """A signed note of the person's place, for polls that need no database."""
    user_id = user if isinstance(user, int) else user.pk
    return signing.dumps(
        {
            "r": state.id,
            "f": state.facility_id,
            "u": user_id,
            "s": place.seq,
            "j": place.joined_at.timestamp(),
            "o": state.opens_at.timestamp(),
            "b": binding,
        },
        salt=_salt(schema),
        compress=False,
    )


@dataclass(frozen=True)
class Noted:
    """What a valid place token says."""

    user_id: int
    place: Place
    binding: str


def read_token(
    token: str, state: RoomState, *, schema: str | None = None, max_age: int | None = None
) -> Noted | None:
    """The token's contents if it is genuine, recent and of this room's current opening."""
    if not token or len(token) > 400:
        return None
    try:
        data = signing.loads(token, salt=_salt(schema), max_age=max_age or TOKEN_MAX_AGE)
        if (
            data["r"] != state.id
            or data["f"] != state.facility_id
            or abs(data["o"] - state.opens_at.timestamp()) > 0.5
        ):
            return None
        place = Place(int(data["s"]), dt.datetime.fromtimestamp(float(data["j"]), tz=dt.UTC))
        return Noted(int(data["u"]), place, str(data["b"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


def place_from_token(token: str, state: RoomState, user) -> Place | None:
    """The place a token names, if it is this person's in this room's current opening."""
    noted = read_token(token, state)
    if noted is None or noted.user_id != user.pk:
        return None
    return noted.place


# -- what a person is told --------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    state: str
    seq: int | None = None
    ahead: int | None = None  # people before you still waiting
    estimate_seconds: int | None = None
    admitted_at: dt.datetime | None = None
    book_until: dt.datetime | None = None
    poll_after: int = 0  # seconds until it is worth asking again
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None

    def as_dict(self) -> dict:
        return {
            "state": self.state,
            "position": self.seq,
            "ahead": self.ahead,
            "estimate_seconds": self.estimate_seconds,
            "admitted_at": self.admitted_at.isoformat() if self.admitted_at else None,
            "book_until": self.book_until.isoformat() if self.book_until else None,
            "poll_after": self.poll_after,
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }


POLL_MAX = 5  # seconds between polls once the window is open: "sold out" heard within it
POLL_MAX_BEFORE = 30  # … before it opens (nothing can sell out yet)


def poll_interval(seconds_left: float, *, until_open: float = 0) -> int:
    """Ask again in a third of the wait, 1 to POLL_MAX seconds once the window is open
    (people near the front hear quickly, everyone hears "sold out" within POLL_MAX);
    before the opening, at half the time left to it, up to POLL_MAX_BEFORE. A poll
    costs no database (the place token), so the cap is set by how soon people must
    hear, not by the server."""
    if until_open > 0:
        return int(min(POLL_MAX_BEFORE, max(1, until_open / 2)))
    return int(min(POLL_MAX, max(1, seconds_left / 3)))


def standing(state: RoomState | None, place: Place | None, now: dt.datetime) -> Standing:
    """Where a person stands, from the snapshot and their place only (no database)."""
    if state is None or not state.active(now):
        return Standing(OFF)
    common: dict[str, Any] = {"opens_at": state.opens_at, "closes_at": state.closes_at}
    if state.sold_out:
        return Standing(SOLD_OUT, seq=place.seq if place else None, **common)
    if place is None:
        return Standing(NOT_JOINED, **common)
    start, until = state.ticket_window(place.seq, place.joined_at)
    if now >= until:
        return Standing(EXPIRED, seq=place.seq, admitted_at=start, book_until=until, **common)
    if now >= start:
        return Standing(
            ADMITTED,
            seq=place.seq,
            ahead=0,
            estimate_seconds=0,
            admitted_at=start,
            book_until=until,
            poll_after=poll_interval((until - now).total_seconds()),
            **common,
        )
    wait = (start - now).total_seconds()
    return Standing(
        WAITING,
        seq=place.seq,
        ahead=max(0, place.seq - 1 - state.admitted_count(now)),
        estimate_seconds=math.ceil(wait),
        admitted_at=start,
        poll_after=min(
            poll_interval(wait, until_open=(state.opens_at - now).total_seconds()),
            max(1, math.ceil(wait)),
        ),
        **common,
    )


# -- the booking endpoints' check ----------------------------------------------------


class AdmissionRequired(PermissionDenied):
    """The room holds this facility's bookings and the person has no valid ticket."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def admission_message(code: str) -> str:
    if code == CODE_REQUIRED:
        return _(
            "지금은 대기열을 거쳐 입장한 분만 예약할 수 있습니다. 대기열에 먼저 들어가 주세요."
        )
    if code == CODE_EXPIRED:
        return _("입장 후 예약 가능 시간이 지났습니다. 대기열에 다시 들어가 주세요.")
    return _("이번 오픈의 모든 시간이 예약되었습니다.")


def admission_check(*, user, institution, facility_id: int, now: dt.datetime | None = None):
    """Raise AdmissionRequired unless the person may book this facility now: no room
    running, a manager, or an admitted place whose time to book has not run out."""
    now = now or timezone.now()
    state = room_state(facility_id, now=now)
    if state is None or not state.active(now):
        return
    if permissions.can_manage_bookings(user, institution):
        return
    place = place_of(state, user)
    if place is None:
        raise AdmissionRequired(CODE_REQUIRED, admission_message(CODE_REQUIRED))
    start, until = state.ticket_window(place.seq, place.joined_at)
    if now < start:
        raise AdmissionRequired(CODE_REQUIRED, admission_message(CODE_REQUIRED))
    if now >= until:
        raise AdmissionRequired(CODE_EXPIRED, admission_message(CODE_EXPIRED))


def sold_out_now(facility: Facility, *, now: dt.datetime | None = None) -> bool:
    """The room runs and every slot of its opening is taken (from the snapshot)."""
    now = now or timezone.now()
    state = room_state(facility.pk, now=now)
    return bool(state and state.active(now) and state.sold_out)


# -- staff: the setting ----------------------------------------------------------------

ROOM_FIELDS = (
    "enabled",
    "opens_at",
    "closes_at",
    "queue_minutes",
    "admit_per_minute",
    "ticket_minutes",
    "use_from",
    "use_to",
)


@transaction.atomic
def waiting_room_configure(*, actor, institution=None, facility: Facility, **fields) -> WaitingRoom:
    """Create or change a facility's waiting room (booking managers only). A new opening
    time starts a new line: the old places are removed and numbering starts again."""
    institution = acting_institution(institution)
    if not permissions.can_edit_facilities(actor, institution):
        raise PermissionDenied
    room = WaitingRoom.objects.select_for_update().filter(facility=facility).first()
    created = room is None
    if room is None:
        room = WaitingRoom(facility=facility)
    room.facility = facility  # what RoomState.of reads of it, without another query
    before = {f: getattr(room, f, None) for f in ROOM_FIELDS} if not created else {}
    for name in ROOM_FIELDS:
        if name in fields:
            setattr(room, name, fields[name])
    if room.use_from and room.use_to and (room.use_to - room.use_from).days + 1 > MAX_USE_DAYS:
        raise ValidationError(
            {
                "use_to": _("한 번의 오픈은 %(days)d일까지 지정할 수 있습니다.")
                % {"days": MAX_USE_DAYS}
            }
        )
    room.full_clean(exclude=["facility"])
    new_line = not created and (
        before.get("opens_at") != room.opens_at or (room.enabled and not before.get("enabled"))
    )
    if new_line:
        room.places.all().delete()
        room.last_seq = 0
    room.sold_out_at = None if new_line or created else room.sold_out_at
    room.checked_at = None
    room.save()
    audit_record(
        actor=actor,
        action="facility_booking.waiting_room",
        summary=_("%(facility)s 오픈 대기열 %(state)s")
        % {"facility": facility.name, "state": _("사용") if room.enabled else _("사용 안 함")},
        target=facility,
        data={
            "enabled": room.enabled,
            "opens_at": room.opens_at.isoformat(),
            "closes_at": room.closes_at.isoformat(),
            "admit_per_minute": room.admit_per_minute,
            "ticket_minutes": room.ticket_minutes,
            "new_line": new_line,
        },
    )
    transaction.on_commit(lambda: forget(facility.pk))
    forget(facility.pk)
    return room
