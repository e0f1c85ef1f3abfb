"""Error codes and their Korean messages, as data (tests reuse them)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

MESSAGES = {
    "not_payable": _(
        "지금은 결제할 수 없는 예약입니다. (승인 후 결제 기한 안에만 결제할 수 있습니다)"
    ),
    "method": _("결제 방법을 선택해 주세요."),
    "va_open": _("이미 발급된 가상계좌가 있습니다. 안내된 계좌로 입금해 주세요."),
    "in_flight": _("결제를 확인하고 있습니다. 잠시 후 다시 확인해 주세요."),
    "cash_receipt_card": _(
        "카드 결제에는 현금영수증이 발급되지 않습니다. (카드 매출전표로 증빙할 수 있습니다)"
    ),
    "cash_receipt_phone": _("현금영수증용 휴대전화 번호를 010-1234-5678 형식으로 입력해 주세요."),
    "cash_receipt_business": _("사업자등록번호 10자리를 입력해 주세요."),
    "cash_receipt_type": _("현금영수증 종류를 선택해 주세요."),
    "refund_bank": _("환불받을 은행을 선택해 주세요."),
    "refund_account": _("환불받을 계좌번호를 숫자 10–16자리로 입력해 주세요."),
    "refund_holder": _("예금주 이름을 입력해 주세요."),
    "amount_mismatch": _(
        "결제창에서 돌아온 금액({returned}원)이 예약 금액({expected}원)과 달라 결제를 진행하지 않았습니다."
    ),
    "amount_changed": _(
        "결제를 시작한 뒤 이용료가 바뀌었습니다({expected}원). 바뀐 금액으로 다시 결제해 주세요."
    ),
    "order_closed": _("이미 끝난 결제 요청입니다. 예약 화면에서 다시 시작해 주세요."),
    "declined": _("결제가 승인되지 않았습니다: {message}"),
    "refund_amount": _("환불 금액은 1원 이상, 환불할 수 있는 금액({max}원) 이하여야 합니다."),
    "refund_state": _("직접 환불이 필요한 건만 기록할 수 있습니다."),
    "refund_retry": _("실패한 환불만 다시 시도할 수 있습니다."),
}


def message(code: str, **params) -> str:
    return gettext(MESSAGES[code]).format(**params)


class PaymentError(ValidationError):
    """A payment rule refused the request; nothing was charged or stored."""

    def __init__(self, code: str, field: str | None = None, **params):
        self.payment_code = code
        text = message(code, **params)
        if field:
            super().__init__({field: [ValidationError(text, code=code)]})
        else:
            super().__init__(text, code=code)
