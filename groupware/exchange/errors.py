"""Error codes and Korean messages of 문서유통, as data that views, the API and tests share."""

from django.utils.translation import gettext_lazy as _

from suite.errors import CodedError, ErrorTable

MESSAGES = {
    # bad input (400)
    "department_required": _("접수할 처리과(부서)를 선택해 주세요."),
    "department_unknown": _("선택한 부서를 찾을 수 없습니다."),
    "reason_required": _("반송 사유를 입력해 주세요."),
    "assignee_required": _("담당자를 선택해 주세요."),
    "assignee_outsider": _("{name}님은 이 부서의 직원이 아니어서 담당자로 지정할 수 없습니다."),
    "circulate_empty": _("공람할 사람을 선택해 주세요."),
    "circulate_outsider": _("{name}님은 이 기관의 직원이 아니어서 공람할 수 없습니다."),
    "no_recipients": _(
        "발송할 수신 기관이나 외부 수신자가 없습니다. 수신자를 지정해 기안해 주세요."
    ),
    "reply_no_line": _(
        "조직도에서 결재선을 제안할 수 없습니다. 부서장·직위를 확인하거나 전자결재에서 직접 기안해 주세요."
    ),
    "seal_required": _("직인 이미지를 선택해 주세요."),
    "seal_invalid": _("직인은 PNG 또는 JPEG 이미지(2MB 이하)로 올려 주세요."),
    # not allowed (403)
    "not_document_office": _("문서과 담당자만 할 수 있습니다."),
    "not_department_head": _("배부받은 부서의 부서장만 담당자를 지정할 수 있습니다."),
    "not_allowed": _("이 작업을 할 권한이 없습니다."),
    "not_sender": _("기안자나 문서과만 발송할 수 있습니다."),
    # conflicts (409)
    "illegal_transition": _("지금 상태({state})에서는 할 수 없는 작업입니다."),
    "not_sendable": _("결재가 끝난 대외 시행문만 발송할 수 있습니다."),
    "already_sent": _("이미 모든 수신자에게 발송했습니다."),
    "disposed": _("폐기된 기록물입니다."),
}


TABLE = ErrorTable(MESSAGES)
message = TABLE.message
invalid = TABLE.invalid


class ExchangeConflict(CodedError):
    """The request is valid but the document has moved on (API: 409)."""

    table = TABLE
    default_code = "illegal_transition"


class ExchangeForbidden(CodedError):
    """A member who may see the document but not do this (pages and API: 403)."""

    table = TABLE
    default_code = "not_allowed"
