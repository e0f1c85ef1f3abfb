"""The waiting room at a facility's opening (대기열, issue 15): one per facility, and the
places in its line. Imported at the end of ``facility_booking.models``.

The line is in the database: a place is numbered by one ``UPDATE … RETURNING`` on the
room's counter, so every web process hands out the next number; who is admitted is a
function of the clock (``admit_per_minute`` from ``opens_at``), so no process has to
wake anyone up. See facility_booking/waiting_room.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from facility_booking.models import Facility


class WaitingRoom(models.Model):
    """A facility's waiting room for one opening. Active from ``queue_minutes`` before
    ``opens_at`` until ``closes_at`` while ``enabled``; the slots it guards are the
    facility's between ``use_from`` and ``use_to`` (the days that open)."""

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="waiting_room")
    enabled = models.BooleanField(_("오픈 대기열 사용"), default=False)
    opens_at = models.DateTimeField(_("예약 오픈 시각"))
    closes_at = models.DateTimeField(_("대기열 종료 시각"))
    queue_minutes = models.PositiveIntegerField(
        _("줄서기 시작(오픈 N분 전)"),
        default=30,
        help_text=_("오픈 전에 미리 줄을 설 수 있는 시간. 입장은 오픈 시각부터 순서대로."),
    )
    admit_per_minute = models.PositiveIntegerField(
        _("분당 입장 인원"),
        default=600,
        help_text=_("서버가 빠르게 응답할 수 있는 만큼. 입장한 사람만 예약할 수 있습니다."),
    )
    ticket_minutes = models.PositiveIntegerField(_("입장 후 예약 가능 시간(분)"), default=5)
    use_from = models.DateField(_("대상 이용일 시작"))
    use_to = models.DateField(_("대상 이용일 끝"))
    # The line's counter: the last number handed out (reset when the opening changes).
    last_seq = models.PositiveIntegerField(default=0)
    # Every slot of use_from–use_to taken: everyone still waiting is told at once.
    sold_out_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="fb_room_closes_after_opens"
            ),
            models.CheckConstraint(condition=Q(use_to__gte=F("use_from")), name="fb_room_use_days"),
            models.CheckConstraint(
                condition=Q(admit_per_minute__gte=1) & Q(admit_per_minute__lte=60000),
                name="fb_room_admit_rate",
            ),
            models.CheckConstraint(
                condition=Q(ticket_minutes__gte=1) & Q(ticket_minutes__lte=60),
                name="fb_room_ticket_minutes",
            ),
            models.CheckConstraint(
                condition=Q(queue_minutes__lte=24 * 60), name="fb_room_queue_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} 대기열 {self.opens_at:%Y-%m-%d %H:%M}"

    @property
    def queue_opens_at(self) -> dt.datetime:
        return self.opens_at - dt.timedelta(minutes=self.queue_minutes)


class WaitingPlace(models.Model):
    """One person's place in a room's line (one per person and room)."""

    room = models.ForeignKey(WaitingRoom, on_delete=models.CASCADE, related_name="places")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    seq = models.PositiveIntegerField()
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="fb_place_one_per_person"),
            models.UniqueConstraint(fields=["room", "seq"], name="fb_place_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"
