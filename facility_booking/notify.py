"""E-mails to applicants, queued after commit (suite.notify.email_on_commit)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from suite.notify import email_on_commit

SUBJECTS = {
    "received": gettext_noop("[대관] 신청이 접수되었습니다"),
    "approved": gettext_noop("[대관] 신청이 승인되었습니다"),
    "rejected": gettext_noop("[대관] 신청이 반려되었습니다"),
    "paid": gettext_noop("[대관] 결제가 확인되었습니다"),
    "cancelled": gettext_noop("[대관] 예약이 취소되었습니다"),
    "expired": gettext_noop("[대관] 결제 기한이 지나 예약이 취소되었습니다"),
    "reminder": gettext_noop("[대관] 내일 이용 예정인 예약이 있습니다"),
}


def notify_applicant(reservation, event: str) -> None:
    """Queue the e-mail for ``event``; a failure never touches the booking."""
    to = reservation.applicant_email or (
        reservation.applicant.email if reservation.applicant_id else ""
    )
    if not to:
        return
    from facility_booking.portal import current_institution

    institution = current_institution()
    email_on_commit(
        to=to,
        subject=f"{gettext(SUBJECTS[event])} ({reservation.number})",
        template=f"facility_booking/email/{event}",
        context={
            "r": reservation,
            "institution": institution,
            "url": institution.absolute_url(f"/facilities/my/{reservation.pk}/")
            if institution
            else "",
        },
    )
