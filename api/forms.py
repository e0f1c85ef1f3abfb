from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Institution


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("토큰 이름"),
        max_length=60,
        help_text=_("어디에 쓰는 토큰인지 알아볼 이름. 예: 통합홈페이지 연동, 키오스크 1호기"),
    )
    institution = forms.ModelChoiceField(
        label=_("사용할 기관"),
        queryset=Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("name"),
        required=False,
        empty_label=_("제한 없음 (포털과 모든 기관)"),
        help_text=_("한 기관으로 제한하면 다른 기관과 포털에서는 이 토큰이 거부됩니다."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("만료"),
        choices=[
            ("30", _("30일 후")),
            ("90", _("90일 후")),
            ("365", _("1년 후")),
            ("", _("만료 없음")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
    )
