"""Telling people about lottery results, waitlist offers, series decisions and
sanctions — through notifications.public.notify, in the caller's transaction (sent on
commit). Links are paths, built for the institution's host when sent."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from facility_booking.notify import booking_context, won
from facility_booking.rules import fmt_datetime
from notifications.public import notify
from suite.dates import kdate


def _path(name: str, *args) -> str:
    """A page on the institution's host. Reversed against the institution URLconf
    explicitly: these run from the portal hub (a cancel there offers the freed time to the
    waitlist) and from seeds and tasks, where the current URLconf may be the portal's."""
    return reverse(name, args=args or None, urlconf=settings.ROOT_URLCONF)


def _institution(institution):
    if institution is not None:
        return institution
    from facility_booking.portal import current_institution

    return current_institution()


def _schema(institution) -> str:
    return institution.schema_name if institution else ""


def notify_lottery_won(reservation, round, *, institution=None):
    institution = _institution(institution)
    context = booking_context(reservation)
    context.update(
        {
            "round_title": round.title,
            "path": _path("facility_booking:my_booking", reservation.pk),
        }
    )
    return notify(
        event="lottery_won",
        recipient=reservation.applicant,
        context=context,
        institution=institution,
        ref=f"facility_booking.reservation:{reservation.pk}",
        dedupe_key=f"{_schema(institution)}:lottery_won:{reservation.pk}",
    )


def notify_lottery_lost(application, round, *, institution=None):
    institution = _institution(institution)
    return notify(
        event="lottery_lost",
        recipient=application.applicant,
        name=application.applicant_name,
        context={
            "round_title": round.title,
            "path": _path("facility_booking:lottery_detail", round.pk),
        },
        institution=institution,
        ref=f"facility_booking.lotteryapplication:{application.pk}",
        dedupe_key=f"{_schema(institution)}:lottery_lost:{application.pk}",
    )


def notify_waitlist_offer(entry, reservation, *, institution=None):
    """The shared ``waitlist_offer`` event: the place came free, pay by the deadline."""
    institution = _institution(institution)
    context = booking_context(reservation)
    context.update(
        {
            "item": gettext("%(facility)s %(when)s")
            % {"facility": reservation.facility.name, "when": context["when"]},
            "deadline": fmt_datetime(reservation.payment_due) if reservation.payment_due else "",
            "path": _path("facility_booking:my_booking", reservation.pk),
        }
    )
    return notify(
        event="waitlist_offer",
        recipient=entry.applicant,
        name=entry.applicant_name,
        context=context,
        institution=institution,
        ref=f"facility_booking.waitlistentry:{entry.pk}",
        dedupe_key=f"{_schema(institution)}:waitlist_offer:{entry.pk}:{reservation.pk}",
    )


def notify_series(
    series, headline: str, *, lines=(), total=0, due=None, refund=0, institution=None, key=""
):
    """One message about a recurring series (received, decided, paid, cancelled …)."""
    from facility_booking.selectors_fair import series_pattern

    institution = _institution(institution)
    applicant = series.applicant if series.applicant_id else None
    return notify(
        event="series_update",
        recipient=applicant,
        email="" if applicant else series.applicant_email,
        name=series.applicant_name,
        context={
            "facility": series.facility.name,
            "number": series.number,
            "headline": headline,
            "pattern": series_pattern(series),
            "lines": "\n".join(lines),
            "total": won(total) if total else "",
            "due": fmt_datetime(due) if due else "",
            "refund": won(refund) if refund else "",
            "path": _path("facility_booking:my_series_detail", series.pk),
        },
        institution=institution,
        ref=f"facility_booking.recurringseries:{series.pk}",
        dedupe_key=f"{_schema(institution)}:series:{series.pk}:{key}" if key else None,
    )


def notify_sanction(sanction, *, institution=None):
    institution = _institution(institution)
    place = (
        sanction.facility.name
        if sanction.facility_id
        else gettext("%(name)s의 모든 시설") % {"name": institution.name if institution else ""}
    )
    return notify(
        event="booking_sanction",
        recipient=sanction.applicant,
        context={
            "until": kdate(sanction.last_day),
            "reason": sanction.reason,
            "place": place,
            "path": _path("facility_booking:my_standing"),
        },
        institution=institution,
        ref=f"facility_booking.sanction:{sanction.pk}",
        dedupe_key=f"{_schema(institution)}:sanction:{sanction.pk}",
    )
