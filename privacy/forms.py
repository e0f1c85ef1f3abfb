from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import AccessRecord


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=120)
    effective_on = forms.DateField(
        label=_("시행일"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    summary = forms.CharField(
        label=_("변경 요약"),
        max_length=300,
        required=False,
        help_text=_("이전 버전과 무엇이 달라졌는지 짧게 적어 주세요."),
    )
    body = forms.CharField(
        label=_("본문"), widget=forms.Textarea(attrs={"rows": 24}), max_length=100_000
    )

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(
                _("시행일은 오늘 이후여야 합니다. 지난 날짜로 바꿀 수 없습니다.")
            )
        return value


class AccessSearchForm(forms.Form):
    date_from = forms.DateField(
        label=_("시작일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("종료일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.CharField(label=_("직원(이름·이메일)"), required=False, max_length=100)
    action = forms.ChoiceField(
        label=_("작업"), required=False, choices=[("", _("전체"))] + AccessRecord.Action.choices
    )
    target = forms.CharField(label=_("대상"), required=False, max_length=120)
    flagged = forms.BooleanField(label=_("대량 조회·내보내기만"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("종료일이 시작일보다 빠릅니다."))
        return data


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("월"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("월은 2026-11 형식으로 입력해 주세요.")},
    )
