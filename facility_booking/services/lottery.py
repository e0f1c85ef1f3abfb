"""Lottery rounds (추첨): staff open a round of slots, residents apply with ranked
choices during the window, the draw (``facility_booking.draw``) runs once after it
closes — as a background task or a staff action — and winners get bookings awaiting
payment. Until the draw the slots cannot be booked directly.

Locks: the facility's insert lock (``lock_facility``) first, then the round row. The
draw and every application take the round row, so nobody applies while it draws.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from facility_booking import draw, permissions, rules
from facility_booking.errors import BookingError
from facility_booking.models import (
    ApplicationStatus,
    Facility,
    LotteryApplication,
    LotteryChoice,
    LotteryRound,
    LotterySlot,
    RoundStatus,
    SlotOutcome,
)
from facility_booking.portal import publish_booking
from facility_booking.portal_fair import publish_activity
from facility_booking.services import fairness
from facility_booking.services.holding import held, hold_period, insert_booking, lock_facility
from institution.audit import audit_record
from suite.dates import kdatetime

MAX_SLOTS = 500
MAX_WINS = 20
NO_GROUP = {"", "개인", "없음", "무", "none", "na", "n/a"}


def _institution(institution):
    return fairness._institution(institution)


def _require_manager(actor, institution) -> None:
    if not permissions.can_manage_bookings(actor, institution):
        raise PermissionDenied


def _audit(actor, action: str, round: LotteryRound, summary: str, reason: str = "", data=None):
    audit_record(
        actor=actor,
        action=f"facility_booking.{action}",
        summary=f"추첨 #{round.pk} {summary}",
        target=round,
        reason=reason,
        data=data or {},
    )


def lock_round(round: LotteryRound) -> LotteryRound:
    return (
        LotteryRound.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=round.pk)
    )


# -- planning the slots ----------------------------------------------------------------------


@dataclass
class PlannedSlot:
    start: dt.datetime
    end: dt.datetime
    problem: str = ""


def plan_slots(
    facility: Facility,
    *,
    first: dt.date,
    last: dt.date,
    weekdays,
    day_start: dt.time,
    day_end: dt.time,
    minutes: int,
    now=None,
) -> list[PlannedSlot]:
    """Slots of ``minutes`` from ``day_start`` to ``day_end`` on the chosen weekdays,
    each with the reason it cannot be offered ("" when it can): the facility's rules,
    an existing booking or block, another round's slot."""
    from facility_booking.selectors_fair import open_round_slot

    now = now or timezone.now()
    weekdays = {int(w) for w in weekdays}
    out: list[PlannedSlot] = []
    day = first
    length = dt.timedelta(minutes=int(minutes))
    while day <= last and len(out) <= MAX_SLOTS:
        if day.weekday() in weekdays:
            start = rules.aware(day, day_start)
            limit = rules.aware(day, day_end)
            while start + length <= limit and len(out) <= MAX_SLOTS:
                end = start + length
                out.append(PlannedSlot(start, end, _slot_problem(facility, start, end, now)))
                start = _next_start(facility, end)
        day += dt.timedelta(days=1)
    # Another round's slots: read once per plan.
    for slot in out:
        if not slot.problem and open_round_slot(facility, slot.start, slot.end) is not None:
            slot.problem = gettext("다른 추첨에 포함된 시간")
    return out


def _next_start(facility: Facility, end: dt.datetime) -> dt.datetime:
    """The first start after a slot ending at ``end`` that both could be held: after the
    facility's buffer (clean-up time), on the facility's time grid."""
    start = end + dt.timedelta(minutes=facility.buffer_minutes)
    local = rules.local(start)
    unit = max(int(facility.slot_minutes), 1)
    minutes = local.hour * 60 + local.minute
    return start + dt.timedelta(minutes=(-minutes) % unit)


def _slot_problem(facility: Facility, start, end, now) -> str:
    try:
        rules.validate_times(facility, start, end, now=now)
    except BookingError as error:
        return error.messages[0]
    hold_start, hold_end = hold_period(facility, start, end)
    if held(facility, hold_start, hold_end):
        return gettext("이미 예약·사용 제한이 있는 시간")
    return ""


# -- rounds ------------------------------------------------------------------------------------


def round_create(
    *,
    actor,
    facility: Facility,
    title: str,
    apply_opens_at: dt.datetime,
    apply_closes_at: dt.datetime,
    slots: list[tuple[dt.datetime, dt.datetime]],
    residents_only: bool = False,
    max_wins: int = 1,
    max_choices: int = 3,
    description: str = "",
    institution=None,
    now=None,
) -> LotteryRound:
    """Open a round (booking managers). Slots that cannot be offered (closed, held,
    in another round) are left out; none left → refused. The seed's commitment is
    published at once; the draw is queued for the close."""
    institution = _institution(institution)
    _require_manager(actor, institution)
    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise BookingError("round_title", field="title")
    if apply_closes_at <= apply_opens_at:
        raise BookingError("round_window", field="apply_closes_at")
    if apply_closes_at <= now:
        raise BookingError("round_closes_past", field="apply_closes_at")
    if not (1 <= int(max_wins) <= MAX_WINS and 1 <= int(max_choices) <= 10):
        raise BookingError("round_limits", field="max_wins", wins=MAX_WINS)
    if residents_only and not rules.city_of(institution):
        raise BookingError("round_city_unknown", field="residents_only")
    if len(slots) > MAX_SLOTS:
        raise BookingError("round_too_many_slots", field="date_to", n=MAX_SLOTS)
    with transaction.atomic():
        lock_facility(facility.pk)
        from facility_booking.selectors_fair import open_round_slot

        usable: list[tuple[dt.datetime, dt.datetime]] = []
        for start, end in sorted(set(slots)):
            if _slot_problem(facility, start, end, now):
                continue
            if open_round_slot(facility, start, end) is not None:
                continue
            # Compared as held (with the facility's buffer after each use): two slots
            # whose holds overlap could never both be booked by the draw.
            hold_end = hold_period(facility, start, end)[1]
            if any(s < hold_end and start < hold_period(facility, s, e)[1] for s, e in usable):
                continue
            usable.append((start, end))
        if not usable:
            raise BookingError("round_no_slots", field="date_from")
        if apply_closes_at > usable[0][0]:
            raise BookingError("round_closes_before_use", field="apply_closes_at")
        round = LotteryRound(
            facility=facility,
            title=title[:120],
            description=(description or "").strip(),
            apply_opens_at=apply_opens_at,
            apply_closes_at=apply_closes_at,
            residents_only=bool(residents_only),
            max_wins=int(max_wins),
            max_choices=int(max_choices),
            created_by=actor,
        )
        round.save()
        LotterySlot.objects.bulk_create(
            LotterySlot(round=round, start=start, end=end) for start, end in usable
        )
        _audit(
            actor,
            "lottery_open",
            round,
            f"{facility.name} 추첨 개설 ({len(usable)}개 시간)",
            data={"commitment": round.seed_commitment, "slots": len(usable)},
        )
        _queue_draw(round, institution)
    return round


def _queue_draw(round: LotteryRound, institution) -> None:
    """After commit, a deferred task draws at the close (the cron command is the backstop)."""
    if institution is None:
        return
    schema, pk, when = institution.schema_name, round.pk, round.apply_closes_at

    def enqueue():
        from facility_booking import tasks_fair

        backend = tasks_fair.draw_round.get_backend()
        if backend.supports_defer:
            tasks_fair.draw_round.using(run_after=when).enqueue(schema_name=schema, round_pk=pk)

    transaction.on_commit(enqueue, robust=True)


def round_cancel(*, actor, round: LotteryRound, reason: str, institution=None) -> LotteryRound:
    """Call a round off before its draw (booking managers, reason required): the slots
    become bookable as usual and applicants are told."""
    institution = _institution(institution)
    _require_manager(actor, institution)
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("reason_required", field="reason")
    with transaction.atomic():
        lock_facility(round.facility_id)
        round = lock_round(round)
        if round.status != RoundStatus.OPEN:
            raise BookingError("round_finished")
        round.status = RoundStatus.CANCELLED
        round.cancel_reason = reason
        round.save(update_fields=["status", "cancel_reason", "updated_at"])
        round.slots.update(outcome=SlotOutcome.UNAVAILABLE)
        applications = list(round.applications.filter(status=ApplicationStatus.APPLIED))
        round.applications.filter(status=ApplicationStatus.APPLIED).update(
            status=ApplicationStatus.WITHDRAWN
        )
        _audit(actor, "lottery_cancel", round, "추첨 취소", reason)
        from facility_booking.notify_fair import notify_lottery_lost

        for application in applications:
            notify_lottery_lost(application, round, institution=institution)
    return round


# -- applications ------------------------------------------------------------------------------


def lottery_apply(
    *,
    actor,
    round: LotteryRound,
    choices: list[int],
    purpose: str,
    contact_phone: str,
    headcount: int = 1,
    organisation: str = "",
    discount_categories=(),
    institution=None,
    now=None,
) -> LotteryApplication:
    """Apply (or change one's application) during the window with ranked slot choices.
    One application per person and round; eligibility checked here."""
    institution = _institution(institution)
    now = now or timezone.now()
    facility = round.facility
    if not permissions.can_book_facility(actor, institution, facility):
        raise BookingError("facility_unavailable")
    purpose = (purpose or "").strip()
    contact_phone = (contact_phone or "").strip()
    if not purpose:
        raise BookingError("purpose_required", field="purpose")
    if not contact_phone:
        raise BookingError("contact_required", field="contact_phone")
    rules.validate_headcount(facility, headcount)
    ids = [int(c) for c in choices or ()]
    if not ids:
        raise BookingError("round_choices_required", field="choices")
    if len(ids) != len(set(ids)):
        ids = list(dict.fromkeys(ids))
    if len(ids) > round.max_choices:
        raise BookingError("round_too_many_choices", field="choices", n=round.max_choices)
    categories = list(dict.fromkeys(discount_categories or ()))
    rules.validate_discounts(facility, categories)
    with transaction.atomic():
        round = lock_round(round)
        if round.phase(now) != "applying":
            raise BookingError(
                "round_not_applying",
                opens=kdatetime(round.apply_opens_at),
                closes=kdatetime(round.apply_closes_at),
            )
        fairness.check_sanction(actor, facility, now)
        if round.residents_only and not fairness.is_resident(actor, institution):
            raise BookingError(
                "round_residents_only", field="choices", city=rules.city_of(institution)
            )
        slots = {s.pk: s for s in round.slots.filter(pk__in=ids, outcome=SlotOutcome.OFFERED)}
        if len(slots) != len(ids):
            raise BookingError("round_choice_unknown", field="choices")
        first = min(slots.values(), key=lambda s: s.start)
        rules.validate_discount_eligibility(
            actor, categories, day=rules.local(first.start).date(), institution=institution
        )
        application, created = LotteryApplication.objects.select_for_update().get_or_create(
            round=round,
            applicant=actor,
            defaults={
                "applicant_name": actor.get_full_name(),
                "contact_phone": contact_phone,
                "purpose": purpose,
            },
        )
        application.applicant_name = actor.get_full_name()[:60]
        application.contact_phone = contact_phone[:30]
        application.organisation = (organisation or "").strip()[:100]
        application.purpose = purpose[:300]
        application.headcount = headcount
        application.discount_categories = categories
        application.status = ApplicationStatus.APPLIED
        application.save()
        application.choices.all().delete()
        LotteryChoice.objects.bulk_create(
            LotteryChoice(application=application, slot=slots[pk], rank=rank)
            for rank, pk in enumerate(ids, start=1)
        )
        _audit(
            actor,
            "lottery_apply",
            round,
            "추첨 신청" if created else "추첨 신청 변경",
            data={"application": application.pk, "choices": ids},
        )
        publish_activity(
            user=actor,
            what="lottery",
            text=gettext("추첨 신청: %(title)s") % {"title": round.title},
            institution=institution,
        )
    return application


def lottery_withdraw(*, actor, application: LotteryApplication, institution=None, now=None):
    """Withdraw one's own application while the window is open."""
    now = now or timezone.now()
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    with transaction.atomic():
        round = lock_round(application.round)
        application = LotteryApplication.objects.select_for_update().get(pk=application.pk)
        if round.phase(now) != "applying" or application.status != ApplicationStatus.APPLIED:
            raise BookingError(
                "round_not_applying",
                opens=kdatetime(round.apply_opens_at),
                closes=kdatetime(round.apply_closes_at),
            )
        application.status = ApplicationStatus.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        _audit(
            actor, "lottery_withdraw", round, "추첨 신청 취소", data={"application": application.pk}
        )
    return application


# -- the draw ---------------------------------------------------------------------------------


def _group_key(organisation: str) -> str:
    text = re.sub(r"[\s\W_]+", "", (organisation or "").casefold())
    return "" if text in NO_GROUP or len(text) < 2 else text


def _phone_key(phone: str) -> str:
    digits = "".join(c for c in (phone or "") if c.isdigit())
    return digits if len(digits) >= 9 else ""


def party_labels(applications: list[LotteryApplication]) -> dict[int, str]:
    """Groups count once: applications that share a person, a group name or a phone
    number form one party, labelled ``p<lowest application id>``."""
    parent = {a.pk: a.pk for a in applications}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    seen: dict[str, int] = {}
    for a in sorted(applications, key=lambda a: a.pk):
        for key in (
            f"u:{a.applicant_id}",
            f"g:{_group_key(a.organisation)}" if _group_key(a.organisation) else "",
            f"t:{_phone_key(a.contact_phone)}" if _phone_key(a.contact_phone) else "",
        ):
            if not key:
                continue
            if key in seen:
                x, y = root(a.pk), root(seen[key])
                if x != y:
                    parent[max(x, y)] = min(x, y)
            else:
                seen[key] = a.pk
    lowest: dict[int, int] = {}
    for a in applications:
        r = root(a.pk)
        lowest[r] = min(lowest.get(r, a.pk), a.pk)
    return {a.pk: f"p{lowest[root(a.pk)]}" for a in applications}


def draw_inputs(round: LotteryRound, slots, applications, labels, *, institution) -> dict:
    """The published inputs file (no personal data): the draw depends on nothing else."""
    offered = {s.pk for s in slots}
    return {
        "format": draw.FORMAT,
        "round": {
            "id": round.pk,
            "institution": institution.slug if institution else "",
            "facility": round.facility.name,
            "title": round.title,
            "max_wins": round.max_wins,
            "apply_opens_at": round.apply_opens_at.isoformat(),
            "apply_closes_at": round.apply_closes_at.isoformat(),
        },
        "commitment": round.seed_commitment,
        "secret": round.seed_secret,
        "slots": [
            {"id": s.pk, "start": s.start.isoformat(), "end": s.end.isoformat()}
            for s in sorted(slots, key=lambda s: s.pk)
        ],
        "applications": [
            {
                "id": a.pk,
                "party": labels[a.pk],
                "choices": [c.slot_id for c in a.choices.all() if c.slot_id in offered],
            }
            for a in sorted(applications, key=lambda a: a.pk)
        ],
    }


def lottery_draw(*, round: LotteryRound, actor=None, institution=None, now=None) -> LotteryRound:
    """Draw a round whose window has closed: staff (``actor``, booking managers) or the
    background task (no actor). Runs once; a second call changes nothing and returns
    the drawn round. Winners get bookings awaiting payment, the others are told."""
    from facility_booking.notify_fair import notify_lottery_lost, notify_lottery_won

    institution = _institution(institution)
    if actor is not None:
        _require_manager(actor, institution)
    now = now or timezone.now()
    with transaction.atomic():
        lock_facility(round.facility_id)
        round = lock_round(round)
        if round.status == RoundStatus.DRAWN:
            return round
        if round.status != RoundStatus.OPEN:
            raise BookingError("round_finished")
        if now < round.apply_closes_at:
            raise BookingError("round_not_drawable", closes=kdatetime(round.apply_closes_at))
        facility = round.facility
        slots = list(round.slots.all())
        offered = []
        for slot in slots:
            hold_start, hold_end = hold_period(facility, slot.start, slot.end)
            if slot.start <= now or held(facility, hold_start, hold_end):
                slot.outcome = SlotOutcome.UNAVAILABLE
                slot.save(update_fields=["outcome"])
            else:
                offered.append(slot)
        applications = list(
            round.applications.filter(status=ApplicationStatus.APPLIED)
            .prefetch_related("choices")
            .order_by("id")
        )
        labels = party_labels(applications)
        inputs = draw_inputs(round, offered, applications, labels, institution=institution)
        result = draw.run(inputs)
        by_id = {a.pk: a for a in applications}
        slot_by_id = {s.pk: s for s in offered}
        numbers = {}
        for award in result["awards"]:
            slot, application = slot_by_id[award["slot"]], by_id[award["application"]]
            reservation = insert_booking(
                facility=facility,
                start=slot.start,
                end=slot.end,
                applicant=application.applicant,
                actor=actor,
                origin="lottery",
                applicant_name=application.applicant_name,
                contact_phone=application.contact_phone,
                organisation=application.organisation,
                purpose=application.purpose,
                headcount=application.headcount,
                discount_categories=application.discount_categories,
                approve=True,
                reason=gettext("추첨 당첨 (%(title)s)") % {"title": round.title},
                now=now,
            )
            slot.outcome, slot.winner, slot.reservation = (
                SlotOutcome.AWARDED,
                application,
                reservation,
            )
            slot.save(update_fields=["outcome", "winner", "reservation"])
            numbers[str(slot.pk)] = reservation.number
            publish_booking(reservation)
            notify_lottery_won(reservation, round, institution=institution)
        for slot in offered:
            if slot.outcome == SlotOutcome.OFFERED:
                slot.outcome = SlotOutcome.UNCLAIMED
                slot.save(update_fields=["outcome"])
        winners = set(result["winners"])
        for application in applications:
            application.party = labels[application.pk]
            application.status = (
                ApplicationStatus.WON if application.pk in winners else ApplicationStatus.LOST
            )
            application.save(update_fields=["party", "status", "updated_at"])
            if application.pk not in winners:
                notify_lottery_lost(application, round, institution=institution)
        round.status = RoundStatus.DRAWN
        round.seed = result["seed"]
        round.inputs = inputs
        round.result = {**result, "numbers": numbers}
        round.drawn_at = now
        round.drawn_label = actor.get_full_name() if actor is not None else "시스템(자동 추첨)"
        round.save()
        _audit(
            actor,
            "lottery_draw",
            round,
            f"추첨 실행: 당첨 {len(result['awards'])}건, 신청 {len(applications)}건",
            data={"seed": round.seed, "digest": result["digest"]},
        )
    return round


def published_inputs(round: LotteryRound) -> dict:
    """The downloadable file: the inputs with the published result, to re-run anywhere."""
    if round.status != RoundStatus.DRAWN:
        return {}
    result = round.result or {}
    return {
        **round.inputs,
        "result": {
            "seed": result.get("seed"),
            "digest": result.get("digest"),
            "awards": result.get("awards"),
            "winners": result.get("winners"),
            "booking_numbers": result.get("numbers", {}),
        },
    }


def draw_due_here(*, now=None, institution=None) -> int:
    """Draw every round of the current schema whose window has closed (task / cron)."""
    now = now or timezone.now()
    count = 0
    for round in LotteryRound.objects.filter(status=RoundStatus.OPEN, apply_closes_at__lte=now):
        lottery_draw(round=round, institution=institution, now=now)
        count += 1
    return count
