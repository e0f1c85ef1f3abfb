"""The resident's hub at /portal/my/: everything of theirs across institutions, with
the next action on each done right here.

Lists come from the portal's public-schema summaries (each institution publishes a
person's bookings, with money, and program applications to ``portal.public``), so
the hub is one query whatever the number of institutions. An action on one booking
(pay, cancel with the refund shown first, a permit or receipt, a 감면 proof) enters
exactly that institution's schema for the request — the same services and checks
as on the institution's own host, for the applicant's own booking only (anything
else answers 404).

Other apps add sections with ``portal.public.register_hub_section(HubSection(...))``
in their AppConfig.ready; program applications come from ``programs.public``, the
booking actions from ``facility_booking.public.for_portal``, paying from
``payments.public``, the person's messages and channels from ``notifications.public``.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_tenants.utils import schema_context

from portal.public import hub_sections
from tenants.models import Institution

# -- reading the summaries ------------------------------------------------------------------


def _when(value):
    return parse_datetime(value) if value else None


@dataclass
class BookingItem:
    institution: Institution
    pk: int
    title: str
    data: dict

    @property
    def money(self) -> dict:
        return self.data.get("money") or {}

    @property
    def status(self) -> str:
        return self.data.get("status", "")

    @property
    def status_label(self) -> str:
        """The status in the active language (never the label stored with the summary)."""
        from facility_booking.public import status_label

        return status_label(self.status)

    @property
    def facility_name(self) -> str:
        return self.data.get("facility") or self.title

    @property
    def suspended(self) -> bool:
        """The institution's service is suspended: the booking stays in sight, marked,
        with the institution's contact; nothing can be done on it until it reopens."""
        return self.institution.status == Institution.Status.SUSPENDED

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def upcoming(self) -> bool:
        """Not over yet (by its end, else its start)."""
        when = self.end or self.start
        return bool(when and when > timezone.now())

    @property
    def start(self):
        return _when(self.data.get("start"))

    @property
    def end(self):
        return _when(self.data.get("end"))

    @property
    def payment_due(self):
        return _when(self.money.get("payment_due"))

    @property
    def can_pay(self) -> bool:
        due = self.payment_due
        return (
            not self.suspended
            and self.status == "approved"
            and self.money.get("total", 0) > 0
            and not self.money.get("open_va")
            and due is not None
            and due > timezone.now()
        )

    @property
    def can_cancel(self) -> bool:
        start = self.start
        return (
            not self.suspended
            and self.status in ("requested", "approved", "paid")
            and bool(start and start > timezone.now())
        )

    @property
    def has_permit(self) -> bool:
        return not self.suspended and self.status in ("approved", "paid", "completed")

    @property
    def has_receipt(self) -> bool:
        return not self.suspended and bool(self.money.get("paid"))

    def url(self, name: str) -> str:
        return reverse(f"portal:{name}", args=[self.institution.slug, self.pk])


def bookings_of(user) -> list[BookingItem]:
    from portal.public import personal

    rows = (
        personal(user, kind="booking", include_suspended=True)
        .select_related("institution")
        .order_by("-updated_at")
    )
    items = []
    for entry in rows[:200]:
        try:
            pk = int(entry.key)
        except ValueError:
            continue
        items.append(BookingItem(entry.institution, pk, entry.title, entry.data or {}))
    items.sort(key=lambda b: b.start or timezone.now(), reverse=True)
    return items


def in_order(bookings: list[BookingItem]) -> tuple[list[BookingItem], list[BookingItem]]:
    """(upcoming soonest first, past latest first)."""
    now = timezone.now()
    upcoming = sorted((b for b in bookings if b.upcoming), key=lambda b: b.start or now)
    past = sorted(
        (b for b in bookings if not b.upcoming), key=lambda b: b.start or now, reverse=True
    )
    return upcoming, past


def _applications_of(user) -> list[dict]:
    from programs.public import applications_of

    return applications_of(user)


def ledger_lines(bookings: list[BookingItem]) -> list[dict]:
    lines = []
    for b in bookings:
        for line in b.money.get("ledger") or []:
            lines.append({**line, "at": _when(line.get("at")), "booking": b})
    lines.sort(key=lambda line: line["at"] or timezone.now(), reverse=True)
    return lines


# -- entering one institution ------------------------------------------------------------------


@contextmanager
def in_institution(slug: str):
    """Run the block in that (active) institution's schema; unknown → 404."""
    institution = Institution.objects.filter(
        slug=str(slug)[:32], status=Institution.Status.ACTIVE
    ).first()
    if institution is None:
        raise Http404
    with schema_context(institution.schema_name):
        yield institution


def _own(request, pk):
    from facility_booking.public.for_portal import applicant_booking

    return applicant_booking(request.user, pk)


def _booking_url(slug: str, pk: int) -> str:
    return reverse("portal:my_booking", args=[slug, pk])


def _place(request, slug: str, pk: int):
    from payments.public import Place

    return Place(
        booking_url=_booking_url(slug, pk),
        success_url=request.build_absolute_uri(reverse("portal:my_pay_success", args=[slug])),
        fail_url=request.build_absolute_uri(reverse("portal:my_pay_fail", args=[slug])),
        base_template="portal/my/_base.html",
    )


# -- pages ---------------------------------------------------------------------------------------


@login_required
def home(request):
    bookings = bookings_of(request.user)
    ahead, behind = in_order(bookings)
    upcoming = [b for b in ahead if b.status in ("requested", "approved", "paid")]
    past = [b for b in behind if not b.cancelled]
    to_pay = [b for b in upcoming if b.can_pay]
    waiting_deposit = [b for b in upcoming if b.money.get("open_va") and not b.suspended]
    refunds = [b for b in bookings if b.money.get("refund_outstanding")]
    extra = []
    for section in hub_sections():
        items = section.items(request.user)
        extra.append({"section": section, "items": items})
    return render(
        request,
        "portal/my/home.html",
        {
            "upcoming": upcoming,
            "past": past[:20],
            "to_pay": to_pay,
            "waiting_deposit": waiting_deposit,
            "refunds": refunds,
            "applications": _applications_of(request.user),
            "ledger": ledger_lines(bookings)[:20],
            "sections": extra,
            "hub_tab": "home",
        },
    )


@login_required
def bookings_page(request):
    """내 예약: every booking of every institution, upcoming first by date, then past;
    cancelled ones only when asked (``?cancelled=1``)."""
    bookings = bookings_of(request.user)
    show_cancelled = request.GET.get("cancelled") == "1"
    hidden = sum(1 for b in bookings if b.cancelled)
    if not show_cancelled:
        bookings = [b for b in bookings if not b.cancelled]
    upcoming, past = in_order(bookings)
    return render(
        request,
        "portal/my/bookings.html",
        {
            "upcoming": upcoming,
            "past": past,
            "show_cancelled": show_cancelled,
            "cancelled_count": hidden,
            "hub_tab": "bookings",
        },
    )


@login_required
def payments_page(request):
    bookings = bookings_of(request.user)
    return render(
        request,
        "portal/my/payments.html",
        {"ledger": ledger_lines(bookings), "bookings": bookings, "hub_tab": "payments"},
    )


@login_required
def booking(request, slug: str, pk: int):
    from facility_booking.public.for_portal import ProofForm

    with in_institution(slug) as institution:
        r = _own(request, pk)
        return render(
            request,
            "portal/my/booking.html",
            _booking_context(r, institution, proof_form=ProofForm(reservation=r)),
        )


def _booking_context(r, institution, **extra) -> dict:
    from facility_booking.public import allowed_actions

    actions = allowed_actions(r, staff=False)
    return {
        "r": r,
        "actions": actions,
        "institution_of_booking": institution,
        "slug": institution.slug,
        "events": r.events.all(),
        "entries": r.ledger_entries.all(),
        "orders": r.payment_orders.all()[:10],
        "refunds": r.refunds.all(),
        "proofs": r.proofs.all(),
        "can_cancel": "cancel" in actions,
        "payable": "pay" in actions,
        "hub_tab": "home",
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, slug: str, pk: int):
    from payments.public import pay_page

    with in_institution(slug):
        r = _own(request, pk)
        return pay_page(request, r, _place(request, slug, r.pk))


@login_required
def pay_success(request, slug: str):
    from payments.public import success_return

    with in_institution(slug):
        return success_return(request, lambda order: _place(request, slug, order.reservation_id))


@login_required
def pay_fail(request, slug: str):
    from payments.public import fail_return

    with in_institution(slug):
        return fail_return(request, lambda order: _place(request, slug, order.reservation_id))


@login_required
@require_POST
def pay_refresh(request, slug: str, order_id: str):
    from payments.public import refresh_order

    with in_institution(slug):
        return refresh_order(
            request, order_id, lambda order: _place(request, slug, order.reservation_id)
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("취소 사유 (선택)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, slug: str, pk: int):
    """The refund is shown first; POST cancels (the refund goes back the way it came)."""
    from facility_booking.public import allowed_actions
    from facility_booking.public.for_portal import (
        apply_errors,
        cancellation_refund,
        refund_percent,
        reservation_cancel,
    )

    with in_institution(slug) as institution:
        r = _own(request, pk)
        if "cancel" not in allowed_actions(r, staff=False):
            messages.info(request, _("이 예약은 지금 취소할 수 없습니다."))
            return redirect(_booking_url(slug, r.pk))
        form = CancelForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                reservation_cancel(
                    actor=request.user,
                    institution=institution,
                    reservation=r,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_errors(form, error)
                status = 409
            else:
                messages.success(
                    request, _("예약을 취소했습니다. 환불은 결제하신 방법으로 돌려드립니다.")
                )
                return redirect(_booking_url(slug, r.pk))
        now = timezone.now()
        paid = r.net_paid
        return render(
            request,
            "portal/my/cancel.html",
            {
                "r": r,
                "slug": slug,
                "institution_of_booking": institution,
                "form": form,
                "paid": paid,
                "refund": cancellation_refund(r, by_institution=False, now=now),
                "percent": refund_percent(r.facility, r.start, now) if paid else None,
                "tiers": r.facility.refund_tiers.all(),
                "hub_tab": "home",
            },
            status=status,
        )


@login_required
def permit_pdf(request, slug: str, pk: int):
    from facility_booking.public import allowed_actions
    from facility_booking.public.for_portal import permit_response

    with in_institution(slug):
        r = _own(request, pk)
        if "permit" not in allowed_actions(r, staff=False):
            raise Http404
        return permit_response(r)  # stored, rendered once


@login_required
def receipt_pdf(request, slug: str, pk: int):
    from facility_booking.public.for_portal import receipt_response

    with in_institution(slug):
        r = _own(request, pk)
        if not r.paid_amount and not r.ledger_entries.exists():
            raise Http404
        return receipt_response(r)  # stored, rendered once


@login_required
@require_POST
def proof_upload(request, slug: str, pk: int):
    from facility_booking.public.for_portal import ProofForm, apply_errors, proof_add

    with in_institution(slug) as institution:
        r = _own(request, pk)
        form = ProofForm(request.POST, request.FILES, reservation=r)
        if form.is_valid():
            try:
                proof_add(
                    actor=request.user,
                    institution=institution,
                    reservation=r,
                    category=form.cleaned_data["category"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("증빙을 올렸습니다. 담당자가 확인한 뒤 알려 드립니다."))
                return redirect(_booking_url(slug, r.pk))
        r.refresh_from_db()
        return render(
            request,
            "portal/my/booking.html",
            _booking_context(r, institution, proof_form=form),
            status=400,
        )


@login_required
def proof_file(request, slug: str, pk: int, proof_pk: int):
    from facility_booking.public.for_portal import proof_response

    with in_institution(slug):
        r = _own(request, pk)
        proof = r.proofs.filter(pk=proof_pk, purged_at__isnull=True).first()
        if proof is None or not proof.file:
            raise Http404
        return proof_response(proof)


# -- the person's own settings: profile facts, channels, phone ----------------------------------


class ProfileFactsForm(forms.Form):
    birth_date = forms.DateField(
        label=gettext_lazy("생년월일 (어르신 감면 확인)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    address = forms.CharField(
        label=gettext_lazy("거주지 주소 (관내 거주자 감면 확인)"), required=False, max_length=200
    )

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        today = timezone.localdate()
        if value and not (dt.date(1900, 1, 1) <= value <= today):
            raise forms.ValidationError(_("1900년 이후, 오늘 이전 날짜를 입력해 주세요."))
        return value


class ChannelsForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("이메일"), required=False)
    alimtalk = forms.BooleanField(
        label=gettext_lazy("카카오 알림톡 (받지 못하면 문자로)"), required=False
    )
    sms = forms.BooleanField(label=gettext_lazy("문자 메시지(SMS)"), required=False)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("휴대전화 번호"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("인증번호 6자리"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    from notifications import public as notify_services
    from suite.forms import apply_errors

    user = request.user
    pref = notify_services.preference_of(user)
    action = request.POST.get("action", "")
    forms_ = {
        "facts_form": ProfileFactsForm(
            request.POST if action == "facts" else None,
            initial={"birth_date": user.birth_date, "address": user.address},
        ),
        "channels_form": ChannelsForm(
            request.POST if action == "channels" else None,
            initial={"email": pref.email, "alimtalk": pref.alimtalk, "sms": pref.sms},
        ),
        "phone_form": PhoneForm(
            request.POST if action == "phone" else None, initial={"phone": user.phone}
        ),
        "code_form": CodeForm(request.POST if action == "code" else None),
    }
    status = 200
    if request.method == "POST":
        form = {
            "facts": forms_["facts_form"],
            "channels": forms_["channels_form"],
            "phone": forms_["phone_form"],
            "code": forms_["code_form"],
        }.get(action)
        if action == "forget_phone":
            notify_services.phone_forget(user=user)
            messages.success(request, _("인증된 번호를 지웠습니다. 알림은 이메일로 받습니다."))
            return redirect("portal:my_settings")
        if form is None:
            status = 400
        elif form.is_valid():
            try:
                if action == "facts":
                    user.birth_date = form.cleaned_data["birth_date"]
                    user.address = form.cleaned_data["address"].strip()
                    user.save(update_fields=["birth_date", "address"])
                    messages.success(request, _("저장했습니다."))
                elif action == "channels":
                    notify_services.preferences_update(user=user, **form.cleaned_data)
                    messages.success(request, _("알림 받을 방법을 저장했습니다."))
                elif action == "phone":
                    notify_services.phone_verification_start(
                        user=user, phone=form.cleaned_data["phone"]
                    )
                    messages.success(request, _("인증번호를 보냈습니다. 5분 안에 입력해 주세요."))
                elif action == "code":
                    notify_services.phone_verification_confirm(
                        user=user, code=form.cleaned_data["code"]
                    )
                    messages.success(
                        request,
                        _("휴대전화 번호를 인증했습니다. 이제 문자·알림톡을 받을 수 있습니다."),
                    )
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                return redirect("portal:my_settings")
        else:
            status = 400
    pending = user.phone_verifications.filter(
        verified_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    return render(
        request,
        "portal/my/settings.html",
        {**forms_, "pref": pref, "pending": pending, "hub_tab": "settings"},
        status=status,
    )


@login_required
def notifications_page(request):
    from django.core.paginator import Paginator

    from notifications.public import event_labels, inbox_of, text_of

    page = Paginator(inbox_of(request.user), 20).get_page(request.GET.get("page"))
    for n in page:
        n.text = text_of(n)  # as sent, or (not sent yet) what it will say
    return render(
        request,
        "portal/my/notifications.html",
        {
            "page": page,
            "labels": event_labels(),
            "hub_tab": "notifications",
        },
    )


urlpatterns = [
    path("my/", home, name="my_hub"),
    path("my/bookings/", bookings_page, name="my_bookings"),
    path("my/payments/", payments_page, name="my_payments"),
    path("my/settings/", settings_page, name="my_settings"),
    path("my/notifications/", notifications_page, name="my_notifications"),
    path("my/bookings/<slug:slug>/<int:pk>/", booking, name="my_booking"),
    path("my/bookings/<slug:slug>/<int:pk>/pay/", pay, name="my_pay"),
    path("my/bookings/<slug:slug>/<int:pk>/cancel/", cancel, name="my_cancel"),
    path("my/bookings/<slug:slug>/<int:pk>/permit.pdf", permit_pdf, name="my_permit"),
    path("my/bookings/<slug:slug>/<int:pk>/receipt.pdf", receipt_pdf, name="my_receipt"),
    path("my/bookings/<slug:slug>/<int:pk>/proofs/", proof_upload, name="my_proof_upload"),
    path(
        "my/bookings/<slug:slug>/<int:pk>/proofs/<int:proof_pk>/",
        proof_file,
        name="my_proof_file",
    ),
    path("my/payments/<slug:slug>/success/", pay_success, name="my_pay_success"),
    path("my/payments/<slug:slug>/fail/", pay_fail, name="my_pay_fail"),
    path(
        "my/payments/<slug:slug>/orders/<str:order_id>/refresh/",
        pay_refresh,
        name="my_pay_refresh",
    ),
]
