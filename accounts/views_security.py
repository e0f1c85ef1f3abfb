"""내 정보 → 보안: two-factor sign-in, signed-in devices, consents, and leaving (회원탈퇴)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import mfa, sessions, throttle
from accounts.forms import AccountDeleteForm, PasswordConfirmForm, TwoFactorForm
from privacy.public import CONSENT_SETS as SETS
from privacy.public import Consent
from suite.net import client_ip

BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_MAX_AGE = 300


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def security(request):
    """Two-factor status, recovery codes left, signed-in devices, consents given."""
    user = request.user
    rows = sessions.active_sessions(user)
    current = request.session.session_key
    devices = [
        {
            "row": r,
            "agent": sessions.describe_agent(r.user_agent),
            "current": r.session_key == current,
        }
        for r in rows
    ]
    titles = {i.key: i.title for s in SETS.values() for i in s.items}
    consents = [
        {"row": c, "title": titles.get(c.key, c.key)}
        for c in Consent.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[:50]
    ]
    return render(
        request,
        "accounts/security.html",
        {
            "device": mfa.confirmed_device(user),
            "codes_left": mfa.recovery_codes_left(user),
            "must_use": mfa.must_use_two_factor(user),
            "devices": devices,
            "consents": consents,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Scan the QR code (or type the key), confirm with a first code, keep the recovery codes."""
    user = request.user
    next_url = _next(request, reverse("accounts:security"))
    if mfa.has_two_factor(user):
        messages.info(request, _("이미 2단계 인증을 사용하고 있습니다."))
        return redirect(next_url)
    device = mfa.device_start(user=user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            mfa.mark_verified(request)
            return render(
                request,
                "accounts/mfa_recovery_codes.html",
                {"codes": codes, "next": next_url, "first_time": True},
            )
        form.add_error(
            "code", _("인증 코드가 맞지 않습니다. 인증 앱에 표시된 최신 6자리를 입력해 주세요.")
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device),
            "secret": device.secret,
            "next": next_url,
            "required": mfa.must_use_two_factor(user),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """The second step of signing in (or of reaching an admin page in this session)."""
    pending = request.session.get(mfa.PENDING_KEY)
    User = get_user_model()
    if request.user.is_authenticated:
        user = request.user
        next_url = _next(request, "/")
    elif pending and time.time() - pending.get("at", 0) <= PENDING_MAX_AGE:
        user = User.objects.filter(pk=pending["uid"], is_active=True).first()
        next_url = pending.get("next") or "/"
    else:
        request.session.pop(mfa.PENDING_KEY, None)
        messages.info(request, _("로그인 단계가 만료되었습니다. 다시 로그인해 주세요."))
        return redirect("accounts:login")
    if user is None or not mfa.has_two_factor(user):
        return redirect("accounts:login")
    form = TwoFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        account = f"mfa:{user.pk}"
        wait = throttle.wait_seconds(scope="mfa", account=account, ip=None)
        if wait:
            form.is_valid()
            form.add_error(None, throttle.wait_message(wait))
            status = 429
        elif form.is_valid():
            how = mfa.verify(user=user, code=form.cleaned_data["code"])
            if how:
                throttle.register_success(scope="mfa", account=account)
                if not request.user.is_authenticated:
                    request.session.pop(mfa.PENDING_KEY, None)
                    login(request, user, backend=BACKEND)
                mfa.mark_verified(request)
                if how == "recovery":
                    messages.warning(
                        request,
                        _(
                            "복구 코드로 로그인했습니다. 남은 복구 코드: %(n)d개. 인증 앱을 잃어버렸다면 다시 설정해 주세요."
                        )
                        % {"n": mfa.recovery_codes_left(user)},
                    )
                return redirect(next_url)
            locked = throttle.register_failure(scope="mfa", account=account, ip=client_ip(request))
            form.add_error(
                "code",
                throttle.wait_message(locked)
                if locked
                else _("인증 코드가 맞지 않습니다. 다시 입력해 주세요."),
            )
            status = 429 if locked else 400
        else:
            status = 400
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": next_url}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_disable(request):
    user = request.user
    if mfa.must_use_two_factor(user):
        messages.error(request, _("기관 관리자와 플랫폼 운영자는 2단계 인증을 끌 수 없습니다."))
        return redirect("accounts:security")
    form = PasswordConfirmForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mfa.device_remove(user=user)
        request.session.pop(mfa.SESSION_KEY, None)
        messages.success(request, _("2단계 인증을 껐습니다."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/confirm_password.html",
        {
            "form": form,
            "title": _("2단계 인증 끄기"),
            "lead": _(
                "끄면 비밀번호만으로 로그인할 수 있게 됩니다. 현재 비밀번호를 입력해 주세요."
            ),
            "button": _("2단계 인증 끄기"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes(request):
    """New recovery codes, after the password is given again."""
    user = request.user
    if not mfa.has_two_factor(user):
        return redirect("accounts:mfa_setup")
    form = PasswordConfirmForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.recovery_codes_regenerate(user=user)
        return render(
            request,
            "accounts/mfa_recovery_codes.html",
            {"codes": codes, "next": reverse("accounts:security"), "first_time": False},
        )
    return render(
        request,
        "accounts/confirm_password.html",
        {
            "form": form,
            "title": _("복구 코드 새로 만들기"),
            "lead": _("새 코드를 만들면 이전 복구 코드는 모두 쓸 수 없게 됩니다."),
            "button": _("새 복구 코드 만들기"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_end(request, pk: int):
    if sessions.session_end(user=request.user, pk=pk):
        messages.success(request, _("선택한 기기에서 로그아웃했습니다."))
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_all(request):
    """모든 기기에서 로그아웃 (this one too), or every other one with ``keep=1``."""
    user = request.user
    keep = request.POST.get("keep") == "1"
    count = sessions.sessions_end_all(
        user=user, keep_key=request.session.session_key if keep else None
    )
    if keep:
        user.refresh_from_db()
        update_session_auth_hash(request, user)
        messages.success(request, _("다른 기기 %(n)d곳에서 로그아웃했습니다.") % {"n": count})
        return redirect("accounts:security")
    logout(request)
    messages.success(request, _("모든 기기에서 로그아웃했습니다."))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """회원탈퇴: what is deleted, what the law keeps (pseudonymised), then the password."""
    from privacy.public import account_blockers, legal_holds, personal_data
    from privacy.public import account_delete as erase

    user = request.user
    blockers = account_blockers(user)
    form = AccountDeleteForm(user, request.POST or None)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            erase(user=user, actor=user)
        except ValidationError as error:
            blockers = error.messages
        else:
            logout(request)
            return render(request, "accounts/account_deleted.html")
    context = {
        "form": form,
        "blockers": blockers,
        "deleted": sorted(
            {
                str(s.description)
                for s in personal_data(tenant=True) + personal_data(tenant=False)
                if s.delete
            }
        ),
        "kept": sorted(
            {
                str(s.description)
                for s in personal_data(tenant=True) + personal_data(tenant=False)
                if not s.delete
            }
        ),
        "holds": legal_holds(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/account_delete.html", context, status=status)
