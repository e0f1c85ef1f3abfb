"""Forms of the payment pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import BANKS, CashReceiptType, Method


class PayForm(forms.Form):
    method = forms.ChoiceField(
        label=_("결제 방법"),
        choices=[
            (Method.CARD, _("신용·체크카드")),
            (Method.VIRTUAL_ACCOUNT, _("가상계좌(무통장 입금)")),
        ],
        widget=forms.RadioSelect,
        initial=Method.CARD,
    )
    cash_receipt_type = forms.ChoiceField(
        label=_("현금영수증 (가상계좌)"),
        choices=CashReceiptType.choices,
        required=False,
        help_text=_("카드 결제는 카드 매출전표로 증빙합니다."),
    )
    cash_receipt_number = forms.CharField(
        label=_("현금영수증 번호 (휴대전화 또는 사업자등록번호)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    refund_bank = forms.ChoiceField(
        label=_("환불받을 은행 (가상계좌)"),
        choices=[("", _("선택"))] + sorted(BANKS.items(), key=lambda item: item[1]),
        required=False,
    )
    refund_account = forms.CharField(
        label=_("환불받을 계좌번호"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    refund_holder = forms.CharField(label=_("예금주"), max_length=60, required=False)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "method": d["method"],
            "cash_receipt_type": d.get("cash_receipt_type") or "",
            "cash_receipt_number": d.get("cash_receipt_number") or "",
            "refund_bank": d.get("refund_bank") or "",
            "refund_account": d.get("refund_account") or "",
            "refund_holder": d.get("refund_holder") or "",
        }


class ManualRefundForm(forms.Form):
    method = forms.ChoiceField(
        label=_("환불 방법"),
        choices=[(Method.BANK_TRANSFER, _("계좌 이체")), (Method.CASH, _("현금"))],
    )
    note = forms.CharField(label=_("메모 (이체 계좌·영수 확인 등)"), max_length=500, required=False)


class ReconciliationForm(forms.Form):
    day = forms.DateField(label=_("날짜"), widget=forms.DateInput(attrs={"type": "date"}))
