"""Reads of fair booking that depend on who asks: lottery rounds, waitlist places,
recurring series, sanctions. Something the person may not see answers 404, exactly
like something that does not exist."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils.translation import gettext

from facility_booking import permissions
from facility_booking.models import (
    HOLDING_STATES,
    WAIT_ACTIVE,
    ClosedDate,
    Facility,
    Kind,
    LotteryApplication,
    LotteryRound,
    RecurringSeries,
    Reservation,
    RoundStatus,
    Sanction,
    WaitlistEntry,
    WaitStatus,
)
from suite import dates


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    if not 0 < number < 2**63:
        raise Http404
    return number


# -- lottery --------------------------------------------------------------------------


def rounds_visible(user, institution) -> QuerySet:
    """Rounds of facilities the person may see (public ones; internal ones: members)."""
    from facility_booking.selectors import facilities_visible

    return (
        LotteryRound.objects.filter(facility__in=facilities_visible(user, institution))
        .select_related("facility")
        .annotate(slot_count=Count("slots", distinct=True))
        .order_by("-apply_closes_at", "-id")
    )


def round_for_user(user, institution, round_id) -> LotteryRound:
    try:
        return rounds_visible(user, institution).get(pk=_int(round_id))
    except LotteryRound.DoesNotExist:
        raise Http404 from None


def round_for_manager(round_id) -> LotteryRound:
    """Any round of this institution (caller checked the capability)."""
    try:
        return LotteryRound.objects.select_related("facility").get(pk=_int(round_id))
    except LotteryRound.DoesNotExist:
        raise Http404 from None


def application_of(user, round: LotteryRound) -> LotteryApplication | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        LotteryApplication.objects.filter(round=round, applicant=user)
        .prefetch_related("choices__slot")
        .first()
    )


def applications_of(user) -> QuerySet:
    return (
        LotteryApplication.objects.filter(applicant=user)
        .select_related("round__facility")
        .prefetch_related("choices__slot", "won_slots__reservation")
        .order_by("-created_at", "-id")
    )


def open_round_slot(facility: Facility, start, end):
    """A lottery slot of a round still to be drawn that overlaps [start, end), or None."""
    from facility_booking.models import LotterySlot, SlotOutcome

    return (
        LotterySlot.objects.filter(
            round__facility=facility,
            round__status=RoundStatus.OPEN,
            outcome=SlotOutcome.OFFERED,
            start__lt=end,
            end__gt=start,
        )
        .select_related("round")
        .first()
    )


# -- waitlist -------------------------------------------------------------------------


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 = next in line. Counted among people still waiting for an overlapping period of
    the same facility who came earlier. None once the entry no longer waits."""
    if entry.status != WaitStatus.WAITING:
        return None
    ahead = (
        WaitlistEntry.objects.filter(
            facility_id=entry.facility_id,
            status=WaitStatus.WAITING,
            start__lt=entry.end,
            end__gt=entry.start,
        )
        .filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.pk)
        )
        .count()
    )
    return ahead + 1


def waitlist_of(user) -> list[WaitlistEntry]:
    entries = list(
        WaitlistEntry.objects.filter(applicant=user)
        .select_related("facility", "reservation")
        .order_by("-created_at", "-id")[:100]
    )
    for entry in entries:
        entry.position = waitlist_position(entry)  # type: ignore[attr-defined]
    return entries


def waitlist_entry_for(user, entry_id) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_related("facility", "reservation")
        .filter(pk=_int(entry_id), applicant=user)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def waiting_count(facility: Facility, start, end) -> int:
    return WaitlistEntry.objects.filter(
        facility=facility, status__in=WAIT_ACTIVE, start__lt=end, end__gt=start
    ).count()


# -- recurring series ----------------------------------------------------------------------


def series_pattern(series: RecurringSeries) -> str:
    """매주 화 19:00–21:00 (2026. 3. 3. – 2026. 5. 26.)"""
    return gettext("매주 %(weekday)s %(start)s–%(end)s (%(first)s – %(last)s)") % {
        "weekday": dates.weekday_label(series.weekday),
        "start": series.start_time.strftime("%H:%M"),
        "end": series.end_time.strftime("%H:%M"),
        "first": dates.kdate(series.first_date),
        "last": dates.kdate(series.last_date),
    }


def series_of(user) -> QuerySet:
    return (
        RecurringSeries.objects.filter(applicant=user)
        .select_related("facility")
        .order_by("-created_at", "-id")
    )


def series_for_user(user, institution, series_id) -> RecurringSeries:
    """The applicant's own series, or any for booking managers; else 404."""
    series = RecurringSeries.objects.select_related("facility").filter(pk=_int(series_id)).first()
    if series is None:
        raise Http404
    if series.applicant_id != getattr(user, "pk", None) and not permissions.can_manage_bookings(
        user, institution
    ):
        raise Http404
    return series


def series_dates(series: RecurringSeries) -> list[Reservation]:
    return list(
        Reservation.objects.filter(series=series, kind=Kind.BOOKING)
        .select_related("facility")
        .order_by("start", "id")
    )


def series_bill(series: RecurringSeries) -> Reservation | None:
    return Reservation.objects.filter(series=series, kind=Kind.SERIES).first()


def series_calendar(
    series: RecurringSeries, *, now=None, booked: list[Reservation] | None = None
) -> list[dict]:
    """Every date of the pattern with its booking (if one holds it) and, for the rest,
    why not: the reason recorded when applying, or a clash found now (closed date,
    holiday, another booking). A fixed number of queries however many dates the series
    has: the closed dates in one, the clashes of every active date in one (``booked``:
    the series' dates when the caller already read them)."""
    from facility_booking.rules import closure_reason

    rows_of = series_dates(series) if booked is None else booked
    booked_on = {dates.local(r.start).date(): r for r in rows_of}
    skipped = {item.get("date"): item.get("reason", "") for item in series.skipped or []}
    closed = dict(
        ClosedDate.objects.filter(
            facility_id=series.facility_id,
            date__gte=series.first_date,
            date__lte=series.last_date,
        ).values_list("date", "reason")
    )
    clashing = _series_clashes(series, [r for r in rows_of if r.status in _CLASH_CHECKED])
    rows = []
    for day in series.pattern_dates():
        reservation = booked_on.get(day)
        clash = ""
        if reservation is None:
            clash = skipped.get(day.isoformat(), "")
        elif reservation.status in _CLASH_CHECKED:
            clash = closure_reason(series.facility, day, closed) or ""
            if not clash and reservation.pk in clashing:
                clash = gettext("다른 예약과 겹침")
        rows.append({"date": day, "reservation": reservation, "clash": clash})
    return rows


_CLASH_CHECKED = ("requested", "approved", "paid")


def _series_clashes(series: RecurringSeries, rows: list[Reservation]) -> set[int]:
    """Pks of ``rows`` whose hold period (start to end plus the facility's buffer, as
    ``services.holding.hold_period``) another booking or block holds — one query."""
    if not rows:
        return set()
    buffer = dt.timedelta(minutes=series.facility.buffer_minutes)
    other = (
        Reservation.objects.filter(
            facility_id=series.facility_id,
            status__in=HOLDING_STATES,
            hold_start__lt=ExpressionWrapper(
                OuterRef("end") + Value(buffer), output_field=DateTimeField()
            ),
            hold_end__gt=OuterRef("start"),
        )
        .exclude(kind=Kind.SERIES)
        .exclude(pk=OuterRef("pk"))
    )
    return set(
        Reservation.objects.filter(pk__in=[r.pk for r in rows])
        .filter(Exists(other))
        .values_list("pk", flat=True)
    )


def pending_series() -> QuerySet:
    """Series with dates still to decide, oldest first (staff)."""
    return (
        RecurringSeries.objects.filter(
            reservations__status="requested", reservations__kind="booking"
        )
        .distinct()
        .select_related("facility")
        .order_by("created_at", "id")
    )


# -- sanctions -----------------------------------------------------------------------------


def sanctions_of(user, *, now) -> QuerySet:
    return (
        Sanction.objects.filter(applicant=user)
        .select_related("facility")
        .filter(Q(ends_at__gt=now - dt.timedelta(days=365)))
        .order_by("-ends_at", "-id")
    )


def sanctionable_person(email: str):
    """The active account with ``email`` if the person booked or applied here, else None:
    staff may restrict only them, and the answer tells nothing about who else has an
    account on the platform (pages and API alike)."""
    from accounts.models import User

    person = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if person is None:
        return None
    if (
        Reservation.objects.filter(applicant=person).exists()
        or LotteryApplication.objects.filter(applicant=person).exists()
        or WaitlistEntry.objects.filter(applicant=person).exists()
    ):
        return person
    return None


def sanction_for_manager(sanction_id) -> Sanction:
    try:
        return Sanction.objects.select_related("facility").get(pk=_int(sanction_id))
    except Sanction.DoesNotExist:
        raise Http404 from None
