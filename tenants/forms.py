"""Console forms. They only collect input: the rules live in tenants.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import PlatformAuditEvent


class OnboardForm(forms.Form):
    slug = forms.CharField(
        label=_("주소 이름"),
        max_length=32,
        help_text=_("영문 소문자로 시작, 소문자·숫자·하이픈 3–32자. 기관 주소가 됩니다."),
    )
    name = forms.CharField(label=_("기관 정식 명칭"), max_length=100)
    short_name = forms.CharField(label=_("기관 약칭"), max_length=30)
    admin_email = forms.EmailField(
        label=_("첫 기관 관리자 이메일"),
        required=False,
        help_text=_("초대 메일이 발송됩니다. 비워 두면 나중에 초대할 수 있습니다."),
    )
    admin_name = forms.CharField(label=_("관리자 이름"), max_length=60, required=False)
    custom_domain = forms.CharField(label=_("별도 도메인(선택)"), max_length=253, required=False)
    reason = forms.CharField(
        label=_("메모(감사 기록)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("사유"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("사유를 입력해 주세요.")},
    )


class DeleteForm(ReasonForm):
    confirm_slug = forms.CharField(label=_("확인을 위해 주소 이름을 입력하세요"), max_length=32)
    force = forms.BooleanField(label=_("내보내기 기록이 없어도 삭제(강제)"), required=False)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution

    def clean_confirm_slug(self):
        value = self.cleaned_data["confirm_slug"].strip()
        if value != self.institution.slug:
            raise forms.ValidationError(_("주소 이름이 일치하지 않습니다."))
        return value


class AuditFilterForm(forms.Form):
    institution = forms.CharField(label=_("주소 이름"), required=False, max_length=32)
    action = forms.ChoiceField(
        label=_("작업"),
        required=False,
        choices=[("", _("전체"))] + list(PlatformAuditEvent.Action.choices),
    )
