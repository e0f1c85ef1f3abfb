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
    # -- fairness rules (services/fairness.py) --
    "sanctioned": _("노쇼 누적으로 {until}까지 예약할 수 없습니다. 사유: {reason}"),
    "week_limit": _(
        "1인당 한 주(월–일)에 {limit}건까지 예약할 수 있습니다{scope}. 이 주에 이미 {count}건이 있습니다."
    ),
    "month_limit": _(
        "1인당 한 달에 {limit}건까지 예약할 수 있습니다{scope}. 이 달에 이미 {count}건이 있습니다."
    ),
    "weekend_daily": _(
        "주말에는 1인당 하루 한 건만 예약할 수 있습니다{scope}. {day}에 이미 예약이 있습니다."
    ),
    "residents_first": _(
        "{opens_at}까지는 관내({city}) 거주자 우선 예약 기간입니다. 그 뒤에 신청해 주세요. "
        "관내에 사신다면 통합 포털의 내 정보에 주소를 입력해 주세요."
    ),
    "resident_window_not_open": _(
        "아직 예약 신청 기간이 아닙니다. 관내 거주자는 {opens_at}부터 신청할 수 있습니다."
    ),
    "lottery_slot": _("추첨으로 배정하는 시간입니다. 추첨 ‘{title}’에 신청해 주세요."),
    # -- lottery (services/lottery.py) --
    "round_title": _("제목을 입력해 주세요."),
    "round_window": _("신청 마감은 신청 시작보다 늦어야 합니다."),
    "round_closes_past": _("신청 마감이 이미 지난 시각입니다."),
    "round_closes_before_use": _("신청 마감은 첫 이용 시간보다 앞서야 합니다."),
    "round_no_slots": _(
        "추첨할 수 있는 시간이 없습니다. 기간·요일·시간을 확인해 주세요(휴관일·기존 예약·다른 추첨은 빠집니다)."
    ),
    "round_too_many_slots": _("한 번에 추첨 시간은 {n}개까지 만들 수 있습니다."),
    "round_limits": _("최대 당첨 수는 1–{wins}, 희망 선택 수는 1–10 사이로 정해 주세요."),
    "round_city_unknown": _(
        "기관 주소에 시·군이 없어 관내 거주자를 확인할 수 없습니다. 기관 정보의 주소를 먼저 입력해 주세요."
    ),
    "round_not_applying": _("지금은 신청 기간이 아닙니다. 신청 기간: {opens} – {closes}"),
    "round_residents_only": _(
        "관내({city}) 거주자만 신청할 수 있습니다. 통합 포털의 내 정보에 주소를 입력해 주세요."
    ),
    "round_choices_required": _("희망 시간을 하나 이상 선택해 주세요."),
    "round_too_many_choices": _("희망 시간은 {n}개까지 선택할 수 있습니다."),
    "round_choice_unknown": _("이 추첨에 없는 시간입니다."),
    "round_no_application": _("신청 내역이 없습니다."),
    "round_not_drawable": _("신청 마감({closes}) 뒤에 추첨할 수 있습니다."),
    "round_finished": _("이미 추첨했거나 취소된 추첨입니다."),
    # -- waitlist (services/waitlist.py) --
    "waitlist_off": _("이 시설은 예약대기를 받지 않습니다."),
    "waitlist_free": _("지금 비어 있는 시간입니다. 바로 예약 신청해 주세요."),
    "waitlist_own": _("이미 예약하신 시간입니다."),
    "waitlist_duplicate": _("이미 이 시간에 대기 중입니다."),
    "waitlist_too_many": _("예약대기는 1인당 {n}건까지 할 수 있습니다."),
    "waitlist_too_soon": _("이용 {hours}시간 전까지만 대기할 수 있습니다."),
    "waitlist_not_waiting": _("대기 중인 신청만 취소할 수 있습니다."),
    # -- recurring series (services/series.py) --
    "series_off": _("이 시설은 정기대관 신청을 받지 않습니다."),
    "series_organisation": _("단체(동호회)명을 입력해 주세요."),
    "series_weekday": _("요일을 선택해 주세요."),
    "series_dates": _("마지막 이용일은 첫 이용일과 같거나 늦어야 합니다."),
    "series_too_long": _("정기대관 기간은 최대 {weeks}주입니다."),
    "series_too_few": _("정기대관은 2회 이상이어야 합니다. 기간과 요일을 확인해 주세요."),
    "series_no_dates": _(
        "신청할 수 있는 날짜가 없습니다. 휴관일·공휴일·기존 예약을 확인해 주세요."
    ),
    "series_not_pending": _("심사 중인 날짜만 승인하거나 반려할 수 있습니다."),
    "series_no_selection": _("처리할 날짜를 선택해 주세요."),
    "series_date_unknown": _("이 정기대관의 날짜가 아닙니다."),
    "series_pay_single": _(
        "정기대관 날짜는 한 번에 묶어 결제합니다. 정기대관 화면에서 결제해 주세요."
    ),
    "series_nothing_to_cancel": _("취소할 수 있는 날짜가 없습니다."),
    "sanction_days": _("제한 기간은 1–365일로 입력해 주세요."),
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
