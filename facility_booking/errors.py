"""Error codes and their Korean messages, as data (tests reuse them).

Services raise ``BookingError`` (a ``ValidationError``) with one of these codes;
``SlotTaken`` and ``InvalidTransition`` mean a conflict with the current state
(HTTP 409 in the API, a form error on the pages).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

MESSAGES = {
    "past": _("지난 시간은 예약할 수 없습니다."),
    "end_before_start": _("종료 시각은 시작 시각보다 늦어야 합니다."),
    "not_aligned": _("예약 시간은 {slot}분 단위로 선택해 주세요."),
    "multi_day": _("하루 안에서만 예약할 수 있습니다."),
    "closed_weekday": _("해당 요일은 운영하지 않습니다."),
    "outside_hours": _("운영 시간({opens}–{closes}) 안에서만 예약할 수 있습니다."),
    "closed_date": _("휴관일입니다{reason}."),
    "holiday": _("공휴일({name})에는 휴관합니다."),
    "window_not_open": _("아직 예약 신청 기간이 아닙니다. {opens_at}부터 신청할 수 있습니다."),
    "window_closed": _("신청이 마감되었습니다. 이용 {hours}시간 전까지 신청할 수 있습니다."),
    "too_far": _("너무 먼 날짜입니다. 2년 안의 날짜를 선택해 주세요."),
    "too_short": _("최소 {minutes}분 이상 예약해야 합니다."),
    "too_long": _("최대 {minutes}분까지 예약할 수 있습니다."),
    "over_capacity": _("인원이 수용 인원({capacity}명)을 넘습니다."),
    "headcount_min": _("인원은 1명 이상이어야 합니다."),
    "over_person_limit": _("1인당 진행 중인 예약은 최대 {limit}건까지입니다."),
    "discount_not_offered": _("이 시설에서 제공하지 않는 감면 항목입니다."),
    "equipment_unknown": _("이 시설에 없는 장비입니다."),
    "slot_taken": _("선택한 시간에 이미 다른 예약이 있습니다. 다른 시간을 선택해 주세요."),
    "invalid_transition": _("현재 상태({current})에서는 할 수 없는 작업입니다."),
    "reason_required": _("사유를 입력해 주세요."),
    "payment_amount": _("결제 금액이 이용료({total}원)와 다릅니다."),
    "payment_method": _("결제 방법을 선택해 주세요."),
    "payment_exempt_amount": _("면제는 금액을 0원으로 입력해 주세요."),
    "already_started": _("이미 시작된 예약은 취소할 수 없습니다. 기관에 문의해 주세요."),
    "not_yet_started": _("이용 시작 시각이 지난 뒤에 처리할 수 있습니다."),
    "fee_negative": _("이용료는 0원 이상이어야 합니다."),
    "facility_unavailable": _("예약할 수 없는 시설입니다."),
    "contact_required": _("연락처를 입력해 주세요."),
    "purpose_required": _("사용 목적을 입력해 주세요."),
    "applicant_required": _("신청자 이름을 입력해 주세요."),
    "not_paid": _("결제가 필요한 예약입니다. 결제 후 처리할 수 있습니다."),
    "approve_over": _("이용 시간이 이미 지난 신청은 승인할 수 없습니다. 반려해 주세요."),
    "payment_online_open": _(
        "온라인 결제가 진행 중이거나 가상계좌가 발급된 예약입니다. 결제 결과를 먼저 확인해 주세요."
    ),
    "senior_birth_date": _(
        "어르신 감면은 생년월일이 필요합니다. 통합 포털의 내 정보에 생년월일을 입력해 주세요."
    ),
    "senior_age": _("어르신 감면은 이용일 기준 만 {age}세 이상만 받을 수 있습니다."),
    "resident_address": _(
        "관내 거주자 감면은 거주지 주소가 필요합니다. 통합 포털의 내 정보에 주소를 입력해 주세요."
    ),
    "resident_outside": _("관내 거주자 감면은 {city}에 사는 분만 받을 수 있습니다."),
    "proof_type": _("증빙 파일은 PDF, JPG, PNG만 올릴 수 있습니다."),
    "proof_size": _("증빙 파일은 {mb}MB 이하여야 합니다."),
    "proof_category": _("신청한 감면 항목의 증빙만 올릴 수 있습니다."),
    "proof_state": _("진행 중인 예약에만 증빙을 올릴 수 있습니다."),
    "proof_too_many": _("증빙 파일은 예약당 {n}개까지 올릴 수 있습니다."),
    "discount_state": _("결제 전의 예약만 감면을 확인하거나 거절할 수 있습니다."),
    "discount_none": _("신청한 감면이 없는 예약입니다."),
    "amount_too_large": _(
        "이용료가 처리할 수 있는 금액을 넘습니다. 시간이나 요금 설정을 확인해 주세요."
    ),
}


def message(code: str, **params) -> str:
    """The message in the active language (Korean by default), with its values filled in."""
    return gettext(MESSAGES[code]).format(**params)


class BookingError(ValidationError):
    """A rule refused the request; nothing was stored."""

    def __init__(self, code: str, field: str | None = None, **params):
        self.booking_code = code
        text = message(code, **params)
        if field:
            super().__init__({field: [ValidationError(text, code=code)]})
        else:
            super().__init__(text, code=code)


class SlotTaken(BookingError):
    """Another slot-holding booking or block overlaps (checked or raised by the constraint)."""

    def __init__(self):
        super().__init__("slot_taken")


class InvalidTransition(BookingError):
    """The transition map does not allow this move from the current state."""

    def __init__(self, current_label: str):
        super().__init__("invalid_transition", current=current_label)
