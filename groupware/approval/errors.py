"""Error codes and their Korean messages, as data that views, the API and tests share."""

from django.utils.translation import gettext_lazy as _

from suite.errors import CodedError, ErrorTable

MESSAGES = {
    # bad input (400)
    "title_required": _("제목을 입력해 주세요."),
    "title_too_long": _("제목은 200자 이내로 입력해 주세요."),
    "line_empty": _("결재선을 지정해 주세요."),
    "line_no_final": _("결재선의 마지막에 최종 결재권자(결재)를 한 명 지정해 주세요."),
    "line_final_not_last": _("최종 결재(결재)는 결재선의 마지막 한 단계여야 합니다."),
    "line_parallel_not_cooperate": _("같은 순서에 여러 명을 둘 수 있는 것은 협조 단계뿐입니다."),
    "line_duplicate": _("한 사람을 결재선에 두 번 넣을 수 없습니다."),
    "line_drafter": _("기안자 본인은 결재선에 넣을 수 없습니다."),
    "line_outsider": _("{name}님은 이 기관의 직원이 아니어서 결재선에 넣을 수 없습니다."),
    "line_unknown_person": _("결재선에 지정한 사람을 찾을 수 없습니다."),
    "line_too_long": _("결재선은 12단계까지 지정할 수 있습니다."),
    "line_role_invalid": _("결재 단계 구분이 올바르지 않습니다."),
    "delegation_breach": _(
        "위임전결 규정에 따라 {form}의 최종 결재는 {position} 이상이 해야 합니다. "
        "({name}님은 {actual})"
    ),
    "delegation_amount_breach": _(
        "위임전결 규정에 따라 {amount}원의 {form}은(는) {position} 이상이 최종 결재해야 합니다. "
        "({limit}원 이하 {position} 전결 · {name}님은 {actual})"
    ),
    "delegation_above_limits": _(
        "{amount}원의 {form}은(는) 위임전결 한도를 넘어 {position} 결재 사항입니다. "
        "({name}님은 {actual})"
    ),
    "delegation_amount_invalid": _("금액 한도는 1원 이상의 원 단위 숫자로 입력해 주세요."),
    "delegation_no_position": _(
        "최종 결재권자 {name}님의 직위가 조직도에 없어 위임전결 규정을 확인할 수 없습니다."
    ),
    "cc_outsider": _("{name}님은 이 기관의 직원이 아니어서 참조자로 지정할 수 없습니다."),
    "opinion_required": _("반려 사유(의견)를 입력해 주세요."),
    "hold_note_required": _("보류 사유를 입력해 주세요."),
    "disclosure_ground_required": _("부분공개·비공개는 근거(1~8호)를 선택해 주세요."),
    "disclosure_ground_public": _("공개 문서에는 비공개 근거를 지정하지 않습니다."),
    "recipients_required": _("수신자를 입력하거나 '내부결재'를 선택해 주세요."),
    "review_edit_not_allowed": _(
        "본문은 검토자만 수정할 수 있습니다. 협조·결재 단계에서는 의견만 남길 수 있습니다."
    ),
    "circulate_empty": _("공람할 사람이나 부서를 선택해 주세요."),
    "circulate_outsider": _("{name}님은 이 기관의 직원이 아니어서 공람할 수 없습니다."),
    "skip_not_absent": _("부재 중인 검토·협조자만 생략할 수 있습니다."),
    "skip_final": _("최종 결재 단계는 생략할 수 없습니다. 대결자가 결재합니다."),
    "leave_required": _("휴가 구분, 기간, 사유를 입력해 주세요."),
    "leave_dates": _("휴가 종료일은 시작일보다 빠를 수 없습니다."),
    "leave_half_one_day": _("반차는 하루만 신청할 수 있습니다."),
    "leave_no_workdays": _("신청 기간에 근무일이 없습니다."),
    "leave_balance": _("남은 연차({remaining}일)보다 많이 신청할 수 없습니다. (신청 {days}일)"),
    "leave_year": _("휴가는 작년·올해·내년 중 한 해 안에서 신청해 주세요."),
    "form_invalid": _("양식을 선택해 주세요."),
    "form_inactive": _("사용하지 않는 양식입니다. 다른 양식을 선택해 주세요."),
    "form_attachment_required": _("{form}에는 증빙 서류를 한 개 이상 붙여 주세요."),
    "form_code_taken": _("이미 쓰이고 있는 양식 코드입니다."),
    "form_code_invalid": _("양식 코드는 영문 소문자로 시작하는 영문·숫자·하이픈(40자 이내)입니다."),
    "form_name_required": _("양식명을 입력해 주세요."),
    "form_builtin": _("기본 양식의 항목은 바꿀 수 없습니다."),
    "form_amount_field": _("전결 기준 금액 항목은 금액 형식 항목 중에서 고르세요."),
    "recipient_unknown": _("수신 기관을 찾을 수 없습니다. 목록에서 다시 선택해 주세요."),
    "recipient_self": _("우리 기관에는 발송하지 않습니다. 내부결재를 선택해 주세요."),
    "recipient_email": _("외부 수신자의 전자우편 주소가 올바르지 않습니다: {value}"),
    "recipients_too_many": _("수신자는 30곳까지 지정할 수 있습니다."),
    "leave_cancel_target": _(
        "취소할 휴가를 선택해 주세요. (결재가 끝난 본인의 휴가만 취소할 수 있습니다)"
    ),
    "leave_cancel_taken": _("이미 취소했거나 취소 결재가 진행 중인 휴가입니다."),
    "leave_hourly_hours": _("시간 단위 연차는 시작 시각과 {unit}시간 단위의 시간을 입력해 주세요."),
    "leave_hourly_too_long": _(
        "시간 단위 연차는 하루 근무시간({hours}시간)보다 짧아야 합니다. 연차나 반차로 신청해 주세요."
    ),
    "disposal_reason_required": _("폐기·연장 사유를 입력해 주세요."),
    "disposal_not_due": _("아직 보존기간이 끝나지 않은 기록물입니다."),
    "disposal_done": _("이미 폐기한 기록물입니다."),
    "disposal_extend_longer": _("연장할 보존기간은 지금보다 길어야 합니다."),
    "settings_invalid": _("설정값이 올바르지 않습니다."),
    "choice_invalid": _("선택값이 올바르지 않습니다."),
    "favourite_name_required": _("결재선 이름을 입력해 주세요."),
    "delegation_position_required": _("전결권자 직위를 선택해 주세요."),
    # not allowed (403)
    "not_your_turn": _("지금 결재할 차례가 아닙니다."),
    "not_drafter": _("기안자만 할 수 있습니다."),
    "not_allowed": _("이 작업을 할 권한이 없습니다."),
    # conflicts with the current state (409)
    "already_acted": _("이미 처리한 결재입니다. 화면을 새로 고쳐 주세요."),
    "illegal_transition": _("지금 상태({state})에서는 할 수 없는 작업입니다."),
    "recall_too_late": _("다음 결재자가 이미 처리해 회수할 수 없습니다."),
    "cancel_too_late": _("다음 결재자가 이미 처리해 결재를 취소할 수 없습니다."),
    "frozen": _("결재가 끝난 문서는 바꿀 수 없습니다. 재기안해 주세요."),
    "not_held": _("보류된 문서가 아닙니다."),
    "already_acknowledged": _("이미 확인한 사후보고입니다."),
}


TABLE = ErrorTable(MESSAGES)
message = TABLE.message
invalid = TABLE.invalid


class ApprovalConflict(CodedError):
    """The request is valid but the document has moved on (API: 409)."""

    table = TABLE
    default_code = "illegal_transition"


class ApprovalForbidden(CodedError):
    """A member who may see the document but not do this (pages and API: 403)."""

    table = TABLE
    default_code = "not_allowed"
