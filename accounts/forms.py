from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.models import User
from privacy.public import PHONE_KEYS, ConsentFormMixin, consent_set, has_consent
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
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        self.locked_seconds = 0
        super().__init__(*args, **kwargs)

    def clean(self):
        email = (self.cleaned_data.get("email") or "").lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        ip = client_ip(self.request) if self.request is not None else None
        wait = throttle.wait_seconds(account=email, ip=ip)
        if wait:
            self.locked_seconds = wait
            raise forms.ValidationError(throttle.wait_message(wait), code="locked")
        user = authenticate(self.request, email=email, password=password)
        if user is None or not user.is_active or user.deleted_at is not None:
            locked = throttle.register_failure(account=email, ip=ip)
            if locked:
                self.locked_seconds = locked
                raise forms.ValidationError(throttle.wait_message(locked), code="locked")
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        throttle.register_success(account=email)
        self.user_cache = user
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label=_("인증 코드"),
        max_length=20,
        help_text=_("인증 앱의 6자리 숫자, 또는 복구 코드(예: 1a2b3-4c5d6)"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("현재 비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("비밀번호가 올바르지 않습니다."), code="wrong_password")
        return password


class AccountDeleteForm(PasswordConfirmForm):
    confirm = forms.BooleanField(
        label=_("위 내용을 확인했으며 탈퇴합니다."),
        error_messages={"required": _("탈퇴하려면 안내 내용을 확인했다고 표시해 주세요.")},
    )


class SignupForm(ConsentFormMixin, forms.Form):
    consent_set = "signup"

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
        phone_consent = consent_set("signup").optional_items[0].field_name
        if data.get("phone") and not data.get(phone_consent):
            self.add_error(
                phone_consent,
                _(
                    "연락처를 입력하려면 [선택] 연락처 수집·이용에 동의해 주세요. 동의하지 않으면 연락처를 비워 두세요."
                ),
            )
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


class ProfileForm(ConsentFormMixin, forms.ModelForm):
    """Name, phone, language. A phone number is kept only with the (optional) consent to
    it; emptying the phone withdraws that consent."""

    consent_set = "profile"
    consent_required_on_clean = False

    class Meta:
        model = User
        fields = ["name", "phone", "preferred_language"]
        labels = {"preferred_language": _("언어")}
        widgets = {"preferred_language": forms.Select(choices=settings.LANGUAGES)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone_consented = bool(self.instance.pk) and has_consent(self.instance.pk, *PHONE_KEYS)
        if self.phone_consented:
            for name in self.consent_field_names():
                self.fields.pop(name, None)

    def consent_field_names(self) -> list[str]:
        return [n for n in super().consent_field_names() if n in self.fields]

    def clean(self):
        data = super().clean()
        field = consent_set("profile").items[0].field_name
        if data.get("phone") and not self.phone_consented and not data.get(field):
            self.add_error(
                field,
                _(
                    "연락처를 저장하려면 [선택] 연락처 수집·이용에 동의해 주세요. 동의하지 않으면 연락처를 비워 두세요."
                ),
            )
        return data


class AcceptInviteForm(SetPasswordForm):
    name = forms.CharField(label=_("이름"), max_length=60)

    field_order = ["name", "new_password1", "new_password2"]

    def save(self, commit=True):
        self.user.name = self.cleaned_data["name"]
        return super().save(commit=commit)


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, its mail sent through the durable outbox (suite.notify) rather
    than inside the request: a slow or absent mail server neither holds the page nor loses
    the mail (retried by the worker); the link is kept as a token for the host asked on
    and built when the mail is sent."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template.loader import render_to_string

        from suite.notify import email_on_commit

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        email_on_commit(
            to=to_email,
            subject=subject,
            template=email_template_name.removesuffix(".txt"),
            context=context,
        )
