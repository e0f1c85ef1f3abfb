"""Fairness rules of a facility (FacilityRules) and no-show sanctions.

The checks run inside the booking service while it holds the person's lock
(``lock_person``), so two concurrent requests of one person cannot both slip under a
limit. Messages are data in ``errors.py``. Staff bookings on someone's behalf and the
dates of a recurring series are neither limited nor counted.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from facility_booking import permissions, rules
from facility_booking.errors import BookingError
from facility_booking.models import (
    Facility,
    FacilityRules,
    Kind,
    Reservation,
    RuleScope,
    Sanction,
    Status,
)
from institution.audit import audit_record
from suite.dates import kdate, kdate_weekday, kdatetime

# Bookings that count against the weekly / monthly / weekend limits.
COUNTED = (Status.REQUESTED, Status.APPROVED, Status.PAID, Status.COMPLETED, Status.NO_SHOW)
RULE_FIELDS = (
    "scope",
    "week_limit",
    "month_limit",
    "weekend_daily_limit",
    "residents_first_days",
    "no_show_limit",
    "no_show_window_days",
    "sanction_days",
    "waitlist_enabled",
    "waitlist_offer_hours",
    "series_enabled",
    "series_max_weeks",
)


def _institution(institution):
    if institution is not None:
        return institution
    from facility_booking.portal import current_institution

    return current_institution()


def rules_of(facility: Facility) -> FacilityRules:
    """The facility's rules; an unsaved default (nothing limited) when none were set."""
    cached = facility.__dict__.get("_fair_rules_cache")
    if cached is None:
        cached = FacilityRules.objects.filter(facility=facility).first() or FacilityRules(
            facility=facility
        )
        facility.__dict__["_fair_rules_cache"] = cached
    return cached


def remember_joined_rules(facility: Facility) -> Facility:
    """A facility just read with ``select_related("fair_rules")``: its rules (or none) are
    kept where ``rules_of`` looks, so no page asks for them again."""
    joined = facility._state.fields_cache.get("fair_rules")
    facility.__dict__["_fair_rules_cache"] = joined or FacilityRules(facility=facility)
    return facility


def is_resident(user, institution) -> bool:
    """Declared address in the institution's city (the first 시/군 of its address).
    Without a city on the institution nobody can be told apart: everyone counts."""
    city = rules.city_of(institution)
    if not city:
        return True
    return city in (getattr(user, "address", "") or "")


def _scope_text(rule: FacilityRules) -> str:
    return gettext("(기관의 모든 시설 합산)") if rule.scope == RuleScope.INSTITUTION else ""


def counted_bookings(user, facility: Facility, rule: FacilityRules) -> QuerySet:
    qs = Reservation.objects.filter(
        applicant=user, kind=Kind.BOOKING, status__in=COUNTED, series__isnull=True
    )
    if rule.scope != RuleScope.INSTITUTION:
        qs = qs.filter(facility=facility)
    return qs


def _day_start(day: dt.date) -> dt.datetime:
    return rules.aware(day, dt.time(0))


def week_of(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    monday = day - dt.timedelta(days=day.weekday())
    return _day_start(monday), _day_start(monday + dt.timedelta(days=7))


def month_of(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return _day_start(first), _day_start(following)


def sanction_end(now: dt.datetime, days: int) -> dt.datetime:
    """A sanction of ``days`` days runs to the end of a whole day: the start (00:00) of the
    day after the day ``days`` days from now — never a minute of the time it was given."""
    return _day_start(timezone.localdate(now) + dt.timedelta(days=int(days) + 1))


def active_sanction(user, facility: Facility | None, now) -> Sanction | None:
    """The person's sanction in force here (all facilities, or this one), latest end first."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = Sanction.objects.filter(
        applicant=user, lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    )
    if facility is not None:
        qs = qs.filter(Q(facility__isnull=True) | Q(facility=facility))
    return qs.order_by("-ends_at", "-id").first()


def check_sanction(user, facility: Facility, now) -> None:
    sanction = active_sanction(user, facility, now)
    if sanction is not None:
        raise BookingError("sanctioned", until=kdate(sanction.last_day), reason=sanction.reason)


def check_limits(user, facility: Facility, start: dt.datetime) -> None:
    """Weekly, monthly and weekend-day limits for a booking starting at ``start``.
    Caller holds ``lock_person`` (the counts cannot be raced)."""
    rule = rules_of(facility)
    day = rules.local(start).date()
    base = None
    if rule.week_limit:
        base = counted_bookings(user, facility, rule)
        lo, hi = week_of(day)
        count = base.filter(start__gte=lo, start__lt=hi).count()
        if count >= rule.week_limit:
            raise BookingError(
                "week_limit",
                field="start",
                limit=rule.week_limit,
                count=count,
                scope=_scope_text(rule),
            )
    if rule.month_limit:
        base = base if base is not None else counted_bookings(user, facility, rule)
        lo, hi = month_of(day)
        count = base.filter(start__gte=lo, start__lt=hi).count()
        if count >= rule.month_limit:
            raise BookingError(
                "month_limit",
                field="start",
                limit=rule.month_limit,
                count=count,
                scope=_scope_text(rule),
            )
    if rule.weekend_daily_limit and day.weekday() >= 5:
        base = base if base is not None else counted_bookings(user, facility, rule)
        lo = _day_start(day)
        if base.filter(start__gte=lo, start__lt=lo + dt.timedelta(days=1)).exists():
            raise BookingError(
                "weekend_daily", field="start", day=kdate_weekday(day), scope=_scope_text(rule)
            )


def validate_window(user, facility: Facility, start: dt.datetime, *, now, institution) -> None:
    """The booking window, with the residents-first days before it opens to everyone."""
    rule = rules_of(facility)
    if not rule.residents_first_days:
        rules.validate_window(facility, start, now=now)
        return
    opens_at = rules.window_opens_at(facility, rules.local(start).date())
    early = opens_at - dt.timedelta(days=rule.residents_first_days)
    if now < opens_at:
        if now < early:
            raise BookingError("resident_window_not_open", field="start", opens_at=kdatetime(early))
        if not is_resident(user, institution):
            raise BookingError(
                "residents_first",
                field="start",
                opens_at=kdatetime(opens_at),
                city=rules.city_of(institution),
            )
    if now > rules.window_closes_at(facility, start):
        raise BookingError("window_closed", field="start", hours=facility.window_close_hours)


def check_request(user, facility: Facility, start: dt.datetime, *, now) -> None:
    """Sanctions and counting limits for a resident's own request (under ``lock_person``)."""
    check_sanction(user, facility, now)
    check_limits(user, facility, start)


def standing(user, facility: Facility, now) -> dict | None:
    """What the facility page tells a signed-in person about the rules and themself:
    a sanction in force (reason, end), and this week's / month's bookings against the
    limits. None for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return None
    rule = rules_of(facility)
    today = rules.local(now).date()
    out: dict = {"rules": rule, "sanction": active_sanction(user, facility, now)}
    if rule.week_limit or rule.month_limit:
        base = counted_bookings(user, facility, rule)
        if rule.week_limit:
            lo, hi = week_of(today)
            out["week_count"] = base.filter(start__gte=lo, start__lt=hi).count()
        if rule.month_limit:
            lo, hi = month_of(today)
            out["month_count"] = base.filter(start__gte=lo, start__lt=hi).count()
    return out


def has_rules(rule: FacilityRules) -> bool:
    return bool(
        rule.week_limit
        or rule.month_limit
        or rule.weekend_daily_limit
        or rule.residents_first_days
        or rule.no_show_limit
    )


# -- no-show sanctions --------------------------------------------------------------------


def after_no_show(reservation: Reservation, *, institution=None, now=None) -> Sanction | None:
    """Called once a booking was marked no-show (same transaction): when the person
    reached the facility's no-show limit within its period, block them for the set
    time and tell them why and until when. Returns the new sanction, if any."""
    from facility_booking.notify_fair import notify_sanction

    now = now or timezone.now()
    rule = rules_of(reservation.facility)
    if not rule.no_show_limit or reservation.applicant_id is None:
        return None
    since = now - dt.timedelta(days=rule.no_show_window_days)
    qs = Reservation.objects.filter(
        applicant_id=reservation.applicant_id,
        kind=Kind.BOOKING,
        status=Status.NO_SHOW,
        start__gte=since,
    )
    facility = None
    if rule.scope != RuleScope.INSTITUTION:
        qs = qs.filter(facility=reservation.facility)
        facility = reservation.facility
    no_shows = list(qs.order_by("start", "id"))
    if len(no_shows) < rule.no_show_limit:
        return None
    existing = Sanction.objects.filter(
        applicant_id=reservation.applicant_id,
        lifted_at__isnull=True,
        ends_at__gt=now,
        facility=facility,
    )
    if existing.exists():
        return None
    numbers = ", ".join(r.number for r in no_shows[-rule.no_show_limit :])
    reason = gettext("최근 %(days)s일 동안 노쇼 %(n)s회 (%(numbers)s)") % {
        "days": rule.no_show_window_days,
        "n": len(no_shows),
        "numbers": numbers,
    }
    sanction = Sanction.objects.create(
        applicant_id=reservation.applicant_id,
        facility=facility,
        reason=reason,
        starts_at=now,
        ends_at=sanction_end(now, rule.sanction_days),
        automatic=True,
        no_show_ids=[r.pk for r in no_shows],
    )
    audit_record(
        actor=None,
        action="facility_booking.sanction",
        summary=f"{reservation.applicant_name} 예약 제한 ({kdate(sanction.last_day)}까지)",
        target=sanction,
        reason=reason,
        data={"no_shows": sanction.no_show_ids, "facility": facility.pk if facility else None},
    )
    notify_sanction(sanction, institution=_institution(institution))
    return sanction


def sanction_lift(
    *, actor, sanction: Sanction, reason: str, institution=None, now=None
) -> Sanction:
    """End a sanction early (booking managers, reason required)."""
    institution = _institution(institution)
    if not permissions.can_manage_bookings(actor, institution):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("reason_required", field="reason")
    with transaction.atomic():
        sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if sanction.lifted_at is not None:
            return sanction
        sanction.lifted_at = now or timezone.now()
        sanction.lifted_by = actor
        sanction.lift_reason = reason
        sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit_record(
            actor=actor,
            action="facility_booking.sanction_lift",
            summary="예약 제한 해제",
            target=sanction,
            reason=reason,
        )
    return sanction


def sanction_impose(
    *,
    actor,
    applicant,
    facility: Facility | None,
    days: int,
    reason: str,
    institution=None,
    now=None,
) -> Sanction:
    """Block a person's booking for ``days`` (booking managers, reason required)."""
    from facility_booking.notify_fair import notify_sanction

    institution = _institution(institution)
    if not permissions.can_manage_bookings(actor, institution):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("reason_required", field="reason")
    if not 1 <= int(days) <= 365:
        raise BookingError("sanction_days", field="days")
    now = now or timezone.now()
    with transaction.atomic():
        sanction = Sanction.objects.create(
            applicant=applicant,
            facility=facility,
            reason=reason,
            starts_at=now,
            ends_at=sanction_end(now, days),
            automatic=False,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="facility_booking.sanction",
            summary=f"예약 제한 ({kdate(sanction.last_day)}까지)",
            target=sanction,
            reason=reason,
        )
        notify_sanction(sanction, institution=institution)
    return sanction


def rules_update(*, actor, facility: Facility, institution=None, **values) -> FacilityRules:
    """Set the facility's fairness rules (booking managers); audited."""
    institution = _institution(institution)
    if not permissions.can_edit_facilities(actor, institution):
        raise PermissionDenied
    with transaction.atomic():
        rule, _created = FacilityRules.objects.select_for_update().get_or_create(facility=facility)
        changed = {}
        for key in RULE_FIELDS:
            if key in values and getattr(rule, key) != values[key]:
                setattr(rule, key, values[key])
                changed[key] = values[key]
        rule.full_clean()
        rule.save()
        facility.__dict__.pop("_fair_rules_cache", None)
        audit_record(
            actor=actor,
            action="facility_booking.rules",
            summary=f"{facility.name} 공정 예약 규칙 변경",
            target=facility,
            data={k: v for k, v in changed.items()},
        )
    return rule
