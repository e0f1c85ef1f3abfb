"""Shared calendar (일정): personal, department and institution calendars.

An event may repeat (weekly or monthly, RRULE); occurrences are expanded for
views by ``groupware.schedule.occurrences``. Attendees get an invitation they
accept or decline. Every calendar has a secret feed token for its iCalendar URL.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Calendar(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("개인 일정")
        DEPARTMENT = "department", _("부서 일정")
        INSTITUTION = "institution", _("기관 일정")

    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("이름"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    department = models.ForeignKey(
        "groupware.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendars",
    )
    color = models.CharField(_("색"), max_length=7, default="#0b57d0")
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(kind="personal"), name="calendar_one_personal"
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(kind="department"),
                name="calendar_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="institution"), name="calendar_one_institution"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="personal", owner__isnull=False)
                    | Q(kind="department", department__isnull=False)
                    | Q(kind="institution")
                ),
                name="calendar_kind_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_colour(self) -> str:
        """The colour its events are shown in (never a legend colour: colours.py)."""
        from groupware.schedule.colours import event_colour

        return event_colour(self.color)


class Event(models.Model):
    class Repeat(models.TextChoices):
        NONE = "", _("반복 안 함")
        WEEKLY = "WEEKLY", _("매주")
        MONTHLY = "MONTHLY", _("매월")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("제목"), max_length=200)
    description = models.TextField(_("내용"), blank=True)
    place = models.CharField(_("장소"), max_length=200, blank=True)
    all_day = models.BooleanField(_("종일"), default=False)
    # For all-day events: midnight local time of the first day and of the day
    # after the last day (exclusive), like DTEND;VALUE=DATE in RFC 5545.
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    repeat = models.CharField(
        _("반복"), max_length=10, choices=Repeat.choices, default=Repeat.NONE, blank=True
    )
    repeat_until = models.DateField(_("반복 종료일"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["calendar", "starts_at"], name="event_calendar_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(repeat__in=["", "WEEKLY", "MONTHLY"]), name="event_repeat_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rrule(self) -> str:
        """The RRULE value (RFC 5545) or ""."""
        if not self.repeat:
            return ""
        rule = f"FREQ={self.repeat}"
        if self.repeat_until:
            rule += f";UNTIL={self.repeat_until:%Y%m%d}T235959Z"
        return rule


class Attendee(models.Model):
    """An invitation to an event and the invitee's answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("응답 대기")
        ACCEPTED = "accepted", _("참석")
        DECLINED = "declined", _("불참")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    status = models.CharField(
        _("응답"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="attendee_once_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]),
                name="attendee_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id} ({self.status})"


class EventException(models.Model):
    """One occurrence of a repeating event cancelled or changed (RFC 5545 EXDATE / RECURRENCE-ID).

    ``original_start`` is the occurrence's start as the rule gives it (its
    RECURRENCE-ID); a cancelled occurrence is left out of every view and
    exported as EXDATE, a changed one is shown with its own title, time and
    place and exported as a VEVENT of the same UID with RECURRENCE-ID.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exceptions")
    original_start = models.DateTimeField(_("원래 시작"))
    cancelled = models.BooleanField(_("취소"), default=False)
    title = models.CharField(_("제목"), max_length=200, blank=True)
    place = models.CharField(_("장소"), max_length=200, blank=True)
    description = models.TextField(_("내용"), blank=True)
    starts_at = models.DateTimeField(_("시작"), null=True, blank=True)
    ends_at = models.DateTimeField(_("종료"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="event_exception_once"
            ),
            models.CheckConstraint(
                condition=Q(cancelled=True)
                | Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at")),
                name="event_exception_times",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.original_start:%Y-%m-%d %H:%M}"
