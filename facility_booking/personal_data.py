"""Personal data of facility booking, declared to privacy (account deletion, retention).

Bookings with money on them are accounting records: on deletion they stay, with the
applicant's details replaced by the pseudonym, so reports still add up. After the
retention period (default 3 years after use) the applicant's details are destroyed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.public import (
    PersonalData,
    RetentionKind,
    Subject,
    register_blocker,
    register_personal_data,
    register_retention,
)

DESTROYED = "(파기)"
TERMINAL = ("completed", "no_show", "rejected", "cancelled", "expired")


def _bookings_of(s: Subject) -> Q:
    q = Q(applicant_id=s.user_id)
    if s.email:
        q |= Q(applicant_email__iexact=s.email)
    return q


def _events_of(s: Subject) -> Q:
    q = Q(actor_id=s.user_id) | Q(reservation__applicant_id=s.user_id)
    if s.email:
        q |= Q(reservation__applicant_email__iexact=s.email)
    return q


register_personal_data(
    # 감면 proofs first (they find their booking through its applicant): rows and files go.
    PersonalData(
        model="facility_booking.DiscountProof",
        match=lambda s: Q(reservation__applicant_id=s.user_id) | Q(uploaded_by_id=s.user_id),
        delete=True,
        file_fields=("file",),
        description=gettext_lazy("감면 증빙 파일"),
    ),
    # Events first: they find the bookings through the applicant's e-mail, which the
    # booking rule below clears.
    PersonalData(
        model="facility_booking.ReservationEvent",
        match=_events_of,
        scrub_fields=("actor_label", "reason", "data"),
        description=gettext_lazy("대관 처리 이력"),
    ),
    PersonalData(
        model="facility_booking.Reservation",
        match=_bookings_of,
        pseudonym_fields=("applicant_name",),
        clear_fields=("applicant_email", "contact_phone", "organisation"),
        scrub_fields=("purpose", "staff_note", "status_reason", "claimed_discounts"),
        description=gettext_lazy("대관 신청 기록(이용료·결제·환불 금액은 회계 기록으로 가명 보관)"),
    ),
    PersonalData(
        model="facility_booking.DiscountProof",
        match=lambda s: Q(reservation__applicant_id=s.user_id) | Q(uploaded_by_id=s.user_id),
        file_fields=("file",),
        scrub_fields=("original_name",),
        description=gettext_lazy("감면 증빙 파일(파일은 삭제, 감면 결정 기록은 보관)"),
    ),
    PersonalData(
        model="facility_booking.CalendarFeed",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=gettext_lazy("내 예약 캘린더 구독 주소"),
    ),
    # Fair booking (models_fair.py): applications, waitlist places, club series and
    # restrictions stay as the round's / facility's record under the pseudonym.
    PersonalData(
        model="facility_booking.LotteryApplication",
        match=lambda s: Q(applicant_id=s.user_id),
        pseudonym_fields=("applicant_name",),
        clear_fields=("contact_phone", "organisation"),
        scrub_fields=("purpose",),
        description=gettext_lazy("대관 추첨 신청"),
    ),
    PersonalData(
        model="facility_booking.WaitlistEntry",
        match=lambda s: Q(applicant_id=s.user_id),
        pseudonym_fields=("applicant_name",),
        clear_fields=("contact_phone", "organisation"),
        scrub_fields=("purpose", "status_reason"),
        description=gettext_lazy("예약대기"),
    ),
    PersonalData(
        model="facility_booking.RecurringSeries",
        match=lambda s: (
            Q(applicant_id=s.user_id) | Q(applicant_email__iexact=s.email)
            if s.email
            else Q(applicant_id=s.user_id)
        ),
        pseudonym_fields=("applicant_name",),
        clear_fields=("applicant_email", "contact_phone", "organisation"),
        scrub_fields=("purpose", "staff_note"),
        description=gettext_lazy("정기대관 신청"),
    ),
    PersonalData(
        model="facility_booking.Sanction",
        match=lambda s: Q(applicant_id=s.user_id),
        scrub_fields=("reason", "lift_reason"),
        description=gettext_lazy("예약 제한 기록"),
    ),
    # A place in an opening's waiting line (models_queue.py): who queued and when. Only
    # needed while the opening runs; nothing to keep.
    PersonalData(
        model="facility_booking.WaitingPlace",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=gettext_lazy("예약 오픈 대기열 순번"),
    ),
    PersonalData(
        model="facility_booking.Facility",
        match=lambda s: Q(contact_email__iexact=s.email) if s.email else Q(pk__in=[]),
        clear_fields=("contact_name", "contact_phone", "contact_email"),
        description=gettext_lazy("시설 담당자 연락처"),
    ),
)


def _upcoming_bookings(s: Subject) -> list[str]:
    from facility_booking.models import Kind, Reservation, Status

    upcoming = Reservation.objects.filter(
        _bookings_of(s),
        kind=Kind.BOOKING,
        status__in=[Status.REQUESTED, Status.APPROVED, Status.PAID],
        end__gt=timezone.now(),
    ).order_by("start")
    name = getattr(connection.tenant, "name", "")
    return [
        _(
            "%(institution)s: 진행 중인 예약 %(number)s (%(status)s)이 있습니다. 예약을 취소하거나 이용이 끝난 뒤 탈퇴할 수 있습니다."
        )
        % {"institution": name, "number": r.number, "status": r.get_status_display()}
        for r in upcoming[:10]
    ]


register_blocker(_upcoming_bookings, tenant=True)


def _destroy_applicant_data(*, cutoff, now) -> int:
    """Applicant details of bookings that ended before ``cutoff`` and are settled."""
    from facility_booking.models import Kind, Reservation, ReservationEvent

    due = Reservation.objects.filter(
        kind=Kind.BOOKING, end__lt=cutoff, status__in=TERMINAL
    ).exclude(applicant_name=DESTROYED)
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    ReservationEvent.objects.filter(reservation_id__in=ids).exclude(actor_label="").filter(
        actor_id__in=Reservation.objects.filter(pk__in=ids).values("applicant_id")
    ).update(actor_label="", actor_id=None)
    return Reservation.objects.filter(pk__in=ids).update(
        applicant_id=None,
        applicant_name=DESTROYED,
        applicant_email="",
        contact_phone="",
        organisation="",
        purpose="",
        staff_note="",
        status_reason="",
        claimed_discounts=[],
    )


register_retention(
    RetentionKind(
        key="booking_applicant",
        label=gettext_lazy("대관 신청자 정보"),
        default_days=365 * 3,
        min_days=30,
        destroy=_destroy_applicant_data,
        description=gettext_lazy(
            "신청자 이름·이메일·연락처·단체명·사용 목적. 이용(또는 취소·반려)이 끝난 뒤 이 기간이 지나면 파기하고, 금액 기록만 남깁니다."
        ),
        basis=gettext_lazy("이용일로부터"),
        method="pseudonymise",
    )
)


def _destroy_discount_proofs(*, cutoff, now) -> int:
    """Proof files of bookings that ended before ``cutoff``: the file goes, the row stays."""
    from facility_booking.models import DiscountProof

    count = 0
    for proof in DiscountProof.objects.filter(purged_at__isnull=True, reservation__end__lt=cutoff):
        if proof.file:
            proof.file.delete(save=False)
        DiscountProof.objects.filter(pk=proof.pk).update(file="", purged_at=now)
        count += 1
    return count


register_retention(
    RetentionKind(
        key="discount_proof",
        label=gettext_lazy("감면 증빙 파일"),
        default_days=getattr(settings, "DISCOUNT_PROOF_RETENTION_DAYS", 365),
        min_days=1,
        destroy=_destroy_discount_proofs,
        description=gettext_lazy(
            "장애인 등록증, 수급자 증명서 등 감면 확인용 파일. 이용이 끝난 뒤 이 기간이 지나면 파일을 삭제합니다."
        ),
        basis=gettext_lazy("이용일로부터"),
    )
)


def _destroy_waiting_places(*, cutoff, now) -> int:
    """Places in the lines of openings whose waiting room closed before ``cutoff``."""
    from facility_booking.models_queue import WaitingPlace

    deleted, _by_model = WaitingPlace.objects.filter(room__closes_at__lt=cutoff).delete()
    return deleted


register_retention(
    RetentionKind(
        key="waiting_place",
        label=gettext_lazy("예약 오픈 대기열 순번"),
        default_days=7,
        min_days=1,
        destroy=_destroy_waiting_places,
        description=gettext_lazy(
            "예약 오픈 대기열에 선 사람과 시각. 대기열이 끝난 뒤 이 기간이 지나면 삭제합니다."
        ),
        basis=gettext_lazy("대기열 종료일로부터"),
    )
)


# -- fair booking (models_fair.py) ------------------------------------------------------------
# The slot a lottery, a waitlist or a series gave is an ordinary Reservation: it keeps its
# applicant's details for ``booking_applicant`` (3 years after use, money kept for good).
# The application rows around it need far less: see docs/fair_booking.md "보유 기간".


def _delete_rows(due) -> int:
    """Delete the rows ``due`` selects and say how many. By id: the filters join other
    tables, which a queryset's own delete() would carry into its collector's queries."""
    ids = list(due.values_list("pk", flat=True))
    if ids:
        due.model.objects.filter(pk__in=ids).delete()
    return len(ids)


def _destroy_lottery_applications(*, cutoff, now) -> int:
    """Applications of rounds drawn (or called off) before ``cutoff``: the rows go (their
    ranked choices with them). The round keeps its published inputs and result — ids,
    party labels and choices, nothing personal — so the draw can still be re-run."""
    from facility_booking.models import LotteryApplication, RoundStatus

    due = LotteryApplication.objects.filter(
        Q(round__status=RoundStatus.DRAWN, round__drawn_at__lt=cutoff)
        | Q(round__status=RoundStatus.CANCELLED, round__updated_at__lt=cutoff)
    )
    return _delete_rows(due)


register_retention(
    RetentionKind(
        key="lottery_applicant",
        label=gettext_lazy("대관 추첨 신청자 정보"),
        # 행정심판 청구기간: 처분이 있었던 날부터 180일 (행정심판법 제27조 제3항).
        default_days=180,
        min_days=90,
        destroy=_destroy_lottery_applications,
        description=gettext_lazy(
            "추첨 신청자 이름·연락처·단체명·사용 목적과 희망 시간. 추첨(또는 추첨 취소) 뒤 "
            "이의·행정심판을 청구할 수 있는 기간이 지나면 삭제합니다. 당첨 예약은 대관 신청자 "
            "정보로 보관하고, 공개된 추첨 입력값(번호만)은 남습니다."
        ),
        basis=gettext_lazy("추첨일로부터"),
    )
)


def _destroy_waitlist_entries(*, cutoff, now) -> int:
    """Waitlist places whose period ended, or that ended themselves (booked, lapsed,
    cancelled, closed), before ``cutoff``: the rows go."""
    from facility_booking.models import WAIT_ACTIVE, WaitlistEntry

    due = WaitlistEntry.objects.filter(
        Q(end__lt=cutoff) | (Q(updated_at__lt=cutoff) & ~Q(status__in=WAIT_ACTIVE))
    )
    return _delete_rows(due)


register_retention(
    RetentionKind(
        key="waitlist_applicant",
        label=gettext_lazy("예약대기 신청자 정보"),
        # 처분이 있음을 안 날부터 90일 (행정심판법 제27조 제1항): an offer passed on or lapsed
        # can be questioned that long.
        default_days=90,
        min_days=30,
        destroy=_destroy_waitlist_entries,
        description=gettext_lazy(
            "예약대기 신청자 이름·연락처·단체명·사용 목적과 순번. 대기한 시간이 지나거나 대기가 "
            "끝난(예약 확정·기한 경과·취소) 뒤 이 기간이 지나면 삭제합니다. 확정된 예약은 대관 "
            "신청자 정보로 보관합니다."
        ),
        basis=gettext_lazy("대기 종료일로부터"),
    )
)


def _destroy_series_applicants(*, cutoff, now) -> int:
    """Club series that ended (last date) — or were rejected or cancelled — before
    ``cutoff``: the row and its one bill stay (the bill's amounts are accounting records),
    the applicant's details go."""
    from facility_booking.models import (
        Kind,
        RecurringSeries,
        Reservation,
        ReservationEvent,
        SeriesStatus,
    )

    due = RecurringSeries.objects.filter(
        Q(last_date__lt=timezone.localtime(cutoff).date())
        | Q(status__in=(SeriesStatus.REJECTED, SeriesStatus.CANCELLED), updated_at__lt=cutoff)
    ).exclude(applicant_name=DESTROYED)
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    bills = Reservation.objects.filter(series_id__in=ids, kind=Kind.SERIES)
    ReservationEvent.objects.filter(reservation__in=bills).exclude(actor_label="").filter(
        actor_id__in=RecurringSeries.objects.filter(pk__in=ids).values("applicant_id")
    ).update(actor_label="", actor_id=None)
    bills.update(
        applicant_id=None,
        applicant_name=DESTROYED,
        applicant_email="",
        contact_phone="",
        organisation="",
        staff_note="",
        status_reason="",
    )
    return RecurringSeries.objects.filter(pk__in=ids).update(
        applicant_id=None,
        applicant_name=DESTROYED,
        applicant_email="",
        contact_phone="",
        organisation="",
        purpose="",
        staff_note="",
    )


register_retention(
    RetentionKind(
        key="series_applicant",
        label=gettext_lazy("정기대관 신청자 정보"),
        # As booking_applicant: each date of a series is a booking kept 3 years after use.
        default_days=365 * 3,
        min_days=30,
        destroy=_destroy_series_applicants,
        description=gettext_lazy(
            "정기대관(동호회) 신청자 이름·이메일·연락처·단체명·사용 목적과 담당자 메모. 마지막 "
            "이용일(반려·취소된 신청은 그날)로부터 이 기간이 지나면 파기하고, 일괄 청구의 금액 "
            "기록만 남깁니다."
        ),
        basis=gettext_lazy("마지막 이용일로부터"),
        method="pseudonymise",
    )
)


def _destroy_sanctions(*, cutoff, now) -> int:
    """Booking restrictions that ended (or were lifted) before ``cutoff``: the rows go."""
    from facility_booking.models import Sanction

    due = Sanction.objects.filter(Q(ends_at__lt=cutoff) | Q(lifted_at__lt=cutoff))
    return _delete_rows(due)


register_retention(
    RetentionKind(
        key="booking_sanction",
        label=gettext_lazy("예약 제한(노쇼 제재) 기록"),
        # The person sees restrictions of the past year on their page (selectors_fair.
        # sanctions_of); new sanctions count no-shows from bookings, never from these rows.
        default_days=365,
        min_days=30,
        destroy=_destroy_sanctions,
        description=gettext_lazy(
            "예약 제한 대상자와 사유·기간. 제한이 끝나거나 해제된 뒤 이 기간이 지나면 삭제합니다."
        ),
        basis=gettext_lazy("제한 종료일로부터"),
    )
)
