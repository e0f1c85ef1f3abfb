"""One error table per app (suite/errors.py): 전자결재 and 문서유통 take ``message``,
``invalid`` and their conflict/forbidden errors from it, with their own messages."""

import pytest
from django.core.exceptions import ValidationError

from groupware.approval import errors as approval
from groupware.exchange import errors as exchange
from suite.errors import CodedError


@pytest.mark.parametrize(
    ("app", "conflict", "forbidden", "code"),
    [
        (approval, approval.ApprovalConflict, approval.ApprovalForbidden, "title_required"),
        (exchange, exchange.ExchangeConflict, exchange.ExchangeForbidden, "reason_required"),
    ],
)
def test_both_apps_share_one_error_base(app, conflict, forbidden, code):
    assert issubclass(conflict, CodedError) and issubclass(forbidden, CodedError)
    default = conflict(state="반송")
    assert default.code == "illegal_transition"
    assert default.message == str(app.MESSAGES["illegal_transition"]).format(state="반송")
    assert str(default) == default.message
    refused = forbidden()
    assert refused.code == "not_allowed" and refused.message == "이 작업을 할 권한이 없습니다."
    other = forbidden("not_allowed")
    assert other.code == "not_allowed"

    error = app.invalid(code, field="reason")
    assert isinstance(error, ValidationError)
    assert error.message_dict == {"reason": [app.message(code)]}
    assert error.error_dict["reason"][0].code == code
    plain = app.invalid(code)
    assert plain.messages == [app.message(code)] and plain.code == code


def test_each_app_keeps_its_own_messages():
    assert exchange.message("already_sent") == "이미 모든 수신자에게 발송했습니다."
    assert "already_sent" not in approval.MESSAGES
    with pytest.raises(KeyError):
        approval.message("already_sent")
