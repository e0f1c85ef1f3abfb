from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit
from accounts.models import User
from suite.net import client_ip


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("이메일"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("이메일 또는 비밀번호가 올바르지 않습니다."),
        "rate_limited": _("로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요."),
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email = (self.cleaned_data.get("email") or "").lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        bucket = f"login:{email}:{client_ip(self.request) or 'unknown'}"
        if not ratelimit.hit(bucket, settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW):
            raise forms.ValidationError(self.error_messages["rate_limited"], code="rate_limited")
        self.user_cache = authenticate(self.request, email=email, password=password)
        if self.user_cache is None or not self.user_cache.is_active:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        ratelimit.reset(bucket)
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class SignupForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=60)
    email = forms.EmailField(label=_("이메일"))
    phone = forms.CharField(
        label=_("연락처"), max_length=30, required=False, help_text=_("예: 010-1234-5678")
    )
    password1 = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("8자 이상, 숫자만으로는 안 됩니다."),
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("이미 가입된 이메일입니다. 로그인하거나 비밀번호를 재설정해 주세요.")
            )
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("비밀번호가 일치하지 않습니다."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=data.get("email", ""), name=data.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone", "preferred_language"]
        labels = {"preferred_language": _("언어")}
        widgets = {"preferred_language": forms.Select(choices=settings.LANGUAGES)}


class AcceptInviteForm(SetPasswordForm):
    name = forms.CharField(label=_("이름"), max_length=60)

    field_order = ["name", "new_password1", "new_password2"]

    def save(self, commit=True):
        self.user.name = self.cleaned_data["name"]
        return super().save(commit=commit)
