from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from tenants.models import Institution


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("이메일"))
    name = forms.CharField(label=_("이름"), max_length=60, required=False)
    role = forms.ChoiceField(label=_("역할"), choices=Role.choices, initial=Role.STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("역할"), choices=Role.choices)
    reason = forms.CharField(label=_("사유"), max_length=200, required=False)


class ActiveForm(forms.Form):
    active = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("사유"), max_length=200, required=False)


class InstitutionProfileForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "short_name",
            "head_title",
            "address",
            "postal_code",
            "phone",
            "fax",
            "email",
            "homepage",
            "logo",
        ]
