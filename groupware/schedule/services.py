"""The write path of the shared calendar. Atomic; Korean errors per field."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.handover import Handover
from groupware.schedule import permissions as cal_access
from groupware.schedule.colours import DEPARTMENT, INSTITUTION
from groupware.schedule.models import Attendee, Calendar, Event, EventException, new_feed_token
from groupware.schedule.occurrences import is_occurrence, local_midnight, occurrence_key

ERRORS = {
    "title_required": gettext_lazy("제목을 입력해 주세요."),
    "ends_before_start": gettext_lazy("종료 시각은 시작 시각보다 늦어야 합니다."),
    "end_date_before_start": gettext_lazy("종료일은 시작일과 같거나 늦어야 합니다."),
    "start_required": gettext_lazy("시작 일시를 입력해 주세요."),
    "repeat_until_before_start": gettext_lazy("반복 종료일은 시작일보다 늦어야 합니다."),
    "attendee_not_member": gettext_lazy("참석자는 이 기관의 구성원이어야 합니다."),
    "not_invited": gettext_lazy("이 일정에 초대받지 않았습니다."),
    "bad_answer": gettext_lazy("참석 또는 불참을 선택해 주세요."),
    "too_long": gettext_lazy("일정은 최대 366일까지 등록할 수 있습니다."),
    "out_of_range": gettext_lazy("1900년부터 2200년 사이의 일시를 입력해 주세요."),
    "not_an_occurrence": gettext_lazy("반복 일정에 그런 날짜의 일정이 없습니다."),
    "not_repeating": gettext_lazy("반복 일정이 아닙니다. 일정 전체를 수정하거나 삭제해 주세요."),
}


def personal_calendar(user) -> Calendar:
    calendar, _created = Calendar.objects.get_or_create(
        kind=Calendar.Kind.PERSONAL,
        owner=user,
        defaults={"name": _("%(name)s 님의 일정") % {"name": user.name or user.email}},
    )
    return calendar


def department_calendar(department) -> Calendar:
    calendar, _created = Calendar.objects.get_or_create(
        kind=Calendar.Kind.DEPARTMENT,
        department=department,
        defaults={"name": _("%(name)s 일정") % {"name": department.name}, "color": DEPARTMENT},
    )
    return calendar


def institution_calendar(institution) -> Calendar:
    calendar, _created = Calendar.objects.get_or_create(
        kind=Calendar.Kind.INSTITUTION,
        defaults={
            "name": _("%(name)s 기관 일정") % {"name": institution.short_name or institution.name},
            "color": INSTITUTION,
        },
    )
    return calendar


def _times(*, all_day, starts_at, ends_at, start_date, end_date) -> tuple[datetime, datetime]:
    errors = {}
    if all_day:
        start_date = start_date or (timezone.localtime(starts_at).date() if starts_at else None)
        end_date = end_date or (timezone.localtime(ends_at).date() if ends_at else start_date)
        if start_date is None:
            raise ValidationError({"start_date": ERRORS["start_required"]})
        if not isinstance(start_date, date) or end_date < start_date:
            raise ValidationError({"end_date": ERRORS["end_date_before_start"]})
        starts_at, ends_at = (
            local_midnight(start_date),
            local_midnight(end_date + timedelta(days=1)),
        )
    else:
        if starts_at is None:
            errors["starts_at"] = ERRORS["start_required"]
        elif ends_at is None or ends_at <= starts_at:
            errors["ends_at"] = ERRORS["ends_before_start"]
        if errors:
            raise ValidationError(errors)
    # whole seconds, as in iCalendar: repetition rules drop microseconds, keys must match
    starts_at, ends_at = starts_at.replace(microsecond=0), ends_at.replace(microsecond=0)
    if not (1900 <= starts_at.year <= 2200 and 1900 <= ends_at.year <= 2200):
        raise ValidationError({"starts_at": ERRORS["out_of_range"]})
    if ends_at - starts_at > timedelta(days=366):
        raise ValidationError({"ends_at": ERRORS["too_long"]})
    return starts_at, ends_at


def _check_common(*, title, repeat, repeat_until, starts_at) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ERRORS["title_required"]})
    if repeat not in Event.Repeat.values:
        raise ValidationError({"repeat": _("반복은 매주 또는 매월만 선택할 수 있습니다.")})
    if repeat and repeat_until and repeat_until <= timezone.localtime(starts_at).date():
        raise ValidationError({"repeat_until": ERRORS["repeat_until_before_start"]})
    return title


def _set_attendees(*, event: Event, institution, attendees, organiser) -> None:
    wanted = {u.pk: u for u in attendees or [] if u.pk != organiser.pk}
    for user in wanted.values():
        if not access.is_member(user, institution):
            raise ValidationError({"attendees": ERRORS["attendee_not_member"]})
    event.attendees.exclude(user_id__in=wanted).delete()
    existing = set(event.attendees.values_list("user_id", flat=True))
    new = [u for pk, u in wanted.items() if pk not in existing]
    Attendee.objects.bulk_create([Attendee(event=event, user=u) for u in new])
    _invite_by_email(event=event, institution=institution, invitees=new, organiser=organiser)


def _invite_by_email(*, event: Event, institution, invitees, organiser) -> None:
    """One e-mail per new invitee, sent after commit (a failure never undoes the event)."""
    from suite.notify import email_on_commit

    link = institution.absolute_url(f"/staff/calendar/events/{event.pk}/")
    for invitee in invitees:
        email_on_commit(
            to=invitee.email,
            subject=_("[%(inst)s] 일정 초대: %(title)s")
            % {"inst": institution.short_name or institution.name, "title": event.title},
            template="schedule/email/invitation",
            context={
                "event": event,
                "invitee": invitee,
                "organiser": organiser,
                "institution": institution,
                "link": link,
            },
        )


@transaction.atomic
def event_create(
    *,
    actor,
    institution,
    calendar: Calendar,
    title: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    all_day: bool = False,
    start_date: date | None = None,
    end_date: date | None = None,
    place: str = "",
    description: str = "",
    repeat: str = "",
    repeat_until: date | None = None,
    attendees=(),
) -> Event:
    """Add an event; all-day events take dates (end inclusive)."""
    if not cal_access.can_write_calendar(actor, institution, calendar):
        raise PermissionDenied
    starts_at, ends_at = _times(
        all_day=all_day,
        starts_at=starts_at,
        ends_at=ends_at,
        start_date=start_date,
        end_date=end_date,
    )
    title = _check_common(
        title=title, repeat=repeat or "", repeat_until=repeat_until, starts_at=starts_at
    )
    try:
        with transaction.atomic():
            event = Event.objects.create(
                calendar=calendar,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                all_day=all_day,
                place=(place or "").strip(),
                description=description or "",
                repeat=repeat or "",
                repeat_until=repeat_until if repeat else None,
                created_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError({"ends_at": ERRORS["ends_before_start"]}) from error
    _set_attendees(event=event, institution=institution, attendees=attendees, organiser=actor)
    return event


@transaction.atomic
def event_update(*, actor, institution, event: Event, attendees=None, **changes) -> Event:
    """Change an event; time changes re-ask every attendee."""
    event = Event.objects.select_for_update().select_related("calendar").get(pk=event.pk)
    if not cal_access.can_write_calendar(actor, institution, event.calendar):
        raise PermissionDenied
    target = changes.pop("calendar", None)
    if target is not None and target.pk != event.calendar_id:
        if not cal_access.can_write_calendar(actor, institution, target):
            raise PermissionDenied
        event.calendar = target
    all_day = changes.get("all_day", event.all_day)
    starts_at, ends_at = _times(
        all_day=all_day,
        starts_at=changes.get("starts_at", event.starts_at),
        ends_at=changes.get("ends_at", event.ends_at),
        start_date=changes.get("start_date"),
        end_date=changes.get("end_date"),
    )
    repeat = changes.get("repeat", event.repeat) or ""
    repeat_until = changes.get("repeat_until", event.repeat_until)
    title = _check_common(
        title=changes.get("title", event.title),
        repeat=repeat,
        repeat_until=repeat_until,
        starts_at=starts_at,
    )
    moved = (starts_at, ends_at) != (event.starts_at, event.ends_at) or repeat != event.repeat
    all_day_changed = all_day != event.all_day
    event.title, event.starts_at, event.ends_at, event.all_day = title, starts_at, ends_at, all_day
    event.repeat, event.repeat_until = repeat, repeat_until if repeat else None
    for field in ("place", "description"):
        if field in changes:
            setattr(event, field, (changes[field] or "").strip())
    event.sequence = F("sequence") + 1
    event.save()
    event.refresh_from_db()
    # exceptions are keyed by the rule's starts: those the new rule no longer gives go
    stale = [
        x.pk
        for x in event.exceptions.all()
        if all_day_changed or not event.repeat or not is_occurrence(event, x.original_start)
    ]
    if stale:
        event.exceptions.filter(pk__in=stale).delete()
    if attendees is not None:
        _set_attendees(event=event, institution=institution, attendees=attendees, organiser=actor)
    if moved:
        event.attendees.update(status=Attendee.Status.PENDING, responded_at=None)
    return event


def _locked_occurrence(*, actor, institution, event: Event, original_start: datetime) -> Event:
    event = Event.objects.select_for_update().select_related("calendar").get(pk=event.pk)
    if not cal_access.can_write_calendar(actor, institution, event.calendar):
        raise PermissionDenied
    if not event.repeat:
        raise ValidationError({"occurrence": ERRORS["not_repeating"]})
    if original_start is None or not is_occurrence(event, original_start):
        raise ValidationError({"occurrence": ERRORS["not_an_occurrence"]})
    return event


@transaction.atomic
def occurrence_cancel(*, actor, institution, event: Event, original_start: datetime):
    """Delete one occurrence of a repeating event (EXDATE); the rest of the series stays."""
    event = _locked_occurrence(
        actor=actor, institution=institution, event=event, original_start=original_start
    )
    exception, _created = EventException.objects.update_or_create(
        event=event,
        original_start=original_start,
        defaults={
            "cancelled": True,
            "starts_at": None,
            "ends_at": None,
            "title": "",
            "place": "",
            "description": "",
            "created_by": actor,
        },
    )
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    _tell_attendees(event=event, institution=institution, actor=actor, exception=exception)
    return exception


def _tell_attendees(*, event: Event, institution, actor, exception: EventException) -> None:
    """One e-mail per invitee who has not declined, after commit: this date changed or is off."""
    from suite.notify import email_on_commit

    link = institution.absolute_url(
        f"/staff/calendar/events/{event.pk}/?occ={occurrence_key(exception.original_start)}"
    )
    invitees = (
        event.attendees.exclude(status=Attendee.Status.DECLINED)
        .exclude(user=actor)
        .select_related("user")
    )
    subject = (
        _("[%(inst)s] 일정 취소: %(title)s")
        if exception.cancelled
        else _("[%(inst)s] 일정 변경: %(title)s")
    )
    for attendee in invitees:
        email_on_commit(
            to=attendee.user.email,
            subject=subject
            % {"inst": institution.short_name or institution.name, "title": event.title},
            template="schedule/email/occurrence_changed",
            context={
                "event": event,
                "invitee": attendee.user,
                "organiser": actor,
                "institution": institution,
                "cancelled": exception.cancelled,
                "original_start": exception.original_start,
                "title": exception.title or event.title,
                "starts_at": exception.starts_at,
                "ends_at": exception.ends_at,
                "place": exception.place,
                "link": link,
            },
        )


@transaction.atomic
def occurrence_update(
    *,
    actor,
    institution,
    event: Event,
    original_start: datetime,
    title: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    place: str = "",
    description: str = "",
):
    """Change one occurrence of a repeating event (RECURRENCE-ID); the rest of the series stays.

    An all-day series keeps its occurrences all day (dates, end inclusive).
    """
    event = _locked_occurrence(
        actor=actor, institution=institution, event=event, original_start=original_start
    )
    starts_at, ends_at = _times(
        all_day=event.all_day,
        starts_at=starts_at,
        ends_at=ends_at,
        start_date=start_date,
        end_date=end_date,
    )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ERRORS["title_required"]})
    exception, _created = EventException.objects.update_or_create(
        event=event,
        original_start=original_start,
        defaults={
            "cancelled": False,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "title": title,
            "place": (place or "").strip(),
            "description": description or "",
            "created_by": actor,
        },
    )
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    _tell_attendees(event=event, institution=institution, actor=actor, exception=exception)
    return exception


@transaction.atomic
def event_delete(*, actor, institution, event: Event) -> None:
    if not cal_access.can_write_calendar(actor, institution, event.calendar):
        raise PermissionDenied
    event.delete()


@transaction.atomic
def invitation_respond(*, actor, institution, event: Event, answer: str) -> Attendee:
    """Accept or decline an invitation to ``event``."""
    if answer not in (Attendee.Status.ACCEPTED, Attendee.Status.DECLINED):
        raise ValidationError({"answer": ERRORS["bad_answer"]})
    if not access.is_member(actor, institution):
        raise PermissionDenied
    attendee = Attendee.objects.select_for_update().filter(event=event, user=actor).first()
    if attendee is None:
        raise ValidationError({"answer": ERRORS["not_invited"]})
    attendee.status = answer
    attendee.responded_at = timezone.now()
    attendee.save(update_fields=["status", "responded_at"])
    return attendee


@transaction.atomic
def calendar_reset_feed(*, actor, institution, calendar: Calendar) -> Calendar:
    """A new secret feed URL; the old one stops working at once."""
    if not cal_access.can_write_calendar(actor, institution, calendar):
        raise PermissionDenied
    calendar.feed_token = new_feed_token()
    calendar.save(update_fields=["feed_token"])
    return calendar


# --- 인계인수 (a participant of accounts.handover) -----------------------------------


def handover(request: Handover) -> dict[str, int]:
    """The leaver's calendar work still to come goes to the successor: pending invitations
    (unless already invited), events they organise in shared calendars, and the events of
    their personal calendar. Precondition: the caller checked the request and is atomic."""
    from groupware.schedule.occurrences import still_running

    now = timezone.now()
    from_user, to_user = request.from_user, request.to_user
    # a weekly meeting that began weeks ago still has meetings to come
    pending = Attendee.objects.select_for_update().filter(
        still_running(now, "event__"), user=from_user, status=Attendee.Status.PENDING
    )
    already = set(
        Attendee.objects.filter(user=to_user, event_id__in=pending.values("event_id")).values_list(
            "event_id", flat=True
        )
    )
    moved = {"invitations": pending.exclude(event_id__in=already).update(user=to_user)}
    pending.filter(event_id__in=already).delete()
    moved["events"] = (
        Event.objects.filter(still_running(now), created_by=from_user)
        .exclude(calendar__kind=Calendar.Kind.PERSONAL)
        .update(created_by=to_user)
    )
    personal = Calendar.objects.filter(kind=Calendar.Kind.PERSONAL, owner=from_user).first()
    moved["personal_events"] = (
        personal.events.filter(still_running(now)).update(
            calendar=personal_calendar(to_user), created_by=to_user
        )
        if personal is not None
        else 0
    )
    return moved
