"""Consent wording (PIPA §15, §22): required and optional items shown apart, each with
the items collected, the purpose and the retention period; stored with the version.

A change of wording is a new ``version``; people keep the version they agreed to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import Consent
from suite.net import client_ip


@dataclass(frozen=True)
class ConsentItem:
    key: str
    required: bool
    title: str
    items: str
    purpose: str
    retention: str | Callable[[], str]

    @property
    def field_name(self) -> str:
        return "consent_" + self.key.replace(".", "_")

    def retention_text(self) -> str:
        return str(self.retention() if callable(self.retention) else self.retention)


@dataclass(frozen=True)
class ConsentSet:
    name: str
    version: str
    items: tuple[ConsentItem, ...]

    @property
    def required_items(self) -> list[ConsentItem]:
        return [i for i in self.items if i.required]

    @property
    def optional_items(self) -> list[ConsentItem]:
        return [i for i in self.items if not i.required]


def _booking_retention() -> str:
    from privacy.retention import describe

    return describe("booking_applicant", fallback=_("이용일로부터 3년"))


def _program_retention() -> str:
    from privacy.retention import describe

    return describe("program_applicant", fallback=_("프로그램 종료일로부터 3년"))


def _fair_retention(key: str, fallback: str) -> Callable[[], str]:
    """The application's own period, then the booking's for the slot it may turn into —
    both as this institution's retention settings stand now (privacy admin page)."""

    def text() -> str:
        from privacy.retention import describe

        return _("%(own)s (확정된 예약은 %(booking)s)") % {
            "own": describe(key, fallback=fallback),
            "booking": _booking_retention(),
        }

    return text


def _series_retention() -> str:
    from privacy.retention import describe

    return describe("series_applicant", fallback=_("마지막 이용일로부터 3년"))


SETS: dict[str, ConsentSet] = {
    "signup": ConsentSet(
        name="signup",
        version="2026-11",
        items=(
            ConsentItem(
                key="signup.required",
                required=True,
                title=_("[필수] 회원 가입 개인정보 수집·이용 동의"),
                items=_("이메일, 이름, 비밀번호"),
                purpose=_("회원 식별, 로그인, 예약·신청 내역 관리, 서비스 안내"),
                retention=_("회원 탈퇴 시까지 (1년간 로그인하지 않으면 휴면 파기)"),
            ),
            ConsentItem(
                key="signup.phone",
                required=False,
                title=_("[선택] 연락처 수집·이용 동의"),
                items=_("휴대전화 번호"),
                purpose=_("예약 승인·결제 기한·이용 전날 안내를 문자·알림톡으로 보내기"),
                retention=_("회원 탈퇴 또는 동의 철회 시까지"),
            ),
        ),
    ),
    "profile": ConsentSet(
        name="profile",
        version="2026-11",
        items=(
            ConsentItem(
                key="profile.phone",
                required=False,
                title=_("[선택] 연락처 수집·이용 동의"),
                items=_("휴대전화 번호"),
                purpose=_("예약 승인·결제 기한·이용 전날 안내를 문자·알림톡으로 보내기"),
                retention=_("회원 탈퇴 또는 동의 철회 시까지"),
            ),
        ),
    ),
    "booking": ConsentSet(
        name="booking",
        version="2026-11",
        items=(
            ConsentItem(
                key="booking.required",
                required=True,
                title=_("[필수] 대관 신청 개인정보 수집·이용 동의"),
                items=_("신청자 이름, 이메일, 연락처, 단체명, 사용 목적, 인원, 감면 대상 여부"),
                purpose=_("대관 신청 심사·승인, 이용료 결제·환불, 이용 안내, 분쟁 처리"),
                retention=_booking_retention,
            ),
        ),
    ),
    "lottery": ConsentSet(
        name="lottery",
        version="2026-12",
        items=(
            ConsentItem(
                key="lottery.required",
                required=True,
                title=_("[필수] 대관 추첨 신청 개인정보 수집·이용 동의"),
                items=_(
                    "신청자 이름, 연락처, 단체명, 사용 목적, 인원, 희망 시간(지망 순위), "
                    "감면 대상 여부"
                ),
                purpose=_("추첨 신청 접수와 추첨, 결과 안내, 이의 처리, 당첨 시 대관 예약"),
                retention=_fair_retention("lottery_applicant", _("추첨일로부터 6개월")),
            ),
        ),
    ),
    "waitlist": ConsentSet(
        name="waitlist",
        version="2026-12",
        items=(
            ConsentItem(
                key="waitlist.required",
                required=True,
                title=_("[필수] 예약대기 신청 개인정보 수집·이용 동의"),
                items=_("신청자 이름, 연락처, 단체명, 사용 목적, 인원, 희망 시간과 대기 순번"),
                purpose=_("예약대기 접수와 순번 관리, 빈자리 안내, 예약 확정"),
                retention=_fair_retention("waitlist_applicant", _("대기 종료일로부터 3개월")),
            ),
        ),
    ),
    "series": ConsentSet(
        name="series",
        version="2026-12",
        items=(
            ConsentItem(
                key="series.required",
                required=True,
                title=_("[필수] 정기대관 신청 개인정보 수집·이용 동의"),
                items=_(
                    "신청자 이름, 이메일, 연락처, 단체(동호회)명, 사용 목적, 인원, "
                    "이용 요일·시간·기간, 감면 대상 여부"
                ),
                purpose=_(
                    "정기대관 신청 심사·승인, 이용료 일괄 청구·결제·환불, 이용 안내, 분쟁 처리"
                ),
                retention=_series_retention,
            ),
        ),
    ),
    "program": ConsentSet(
        name="program",
        version="2026-12",
        items=(
            ConsentItem(
                key="program.required",
                required=True,
                title=_("[필수] 프로그램 신청 개인정보 수집·이용 동의"),
                items=_(
                    "신청자 이름, 이메일, 연락처, 생년월일(나이 제한이 있는 경우), 관내 거주 여부"
                ),
                purpose=_("강좌·행사 신청 접수와 확정, 대기 순번 안내, 수강 안내와 출석 확인"),
                retention=_program_retention,
            ),
        ),
    ),
}


def consent_set(name: str) -> ConsentSet:
    return SETS[name]


class ConsentFormMixin:
    """Adds one checkbox per consent item of ``consent_set`` (required ones must be ticked).

    Render with ``{% include "privacy/_consent_fields.html" %}`` (required and optional
    shown apart, with items, purpose and retention) or the generic form include.
    """

    consent_set: str = ""
    # False: the form validates without the ticks (e.g. a price preview) and the view
    # calls ``check_consents()`` before it stores anything.
    consent_required_on_clean: bool = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in consent_set(self.consent_set).items:
            self.fields[item.field_name] = forms.BooleanField(
                label=item.title,
                required=item.required and self.consent_required_on_clean,
                help_text=_("수집 항목: %(items)s · 목적: %(purpose)s · 보유 기간: %(retention)s")
                % {
                    "items": item.items,
                    "purpose": item.purpose,
                    "retention": item.retention_text(),
                },
                error_messages={"required": _("필수 동의 항목에 동의해야 진행할 수 있습니다.")},
            )

    def consent_rows(self):
        """(item, bound field) pairs, required first — for the consent template."""
        chosen = consent_set(self.consent_set)
        return {
            "required": [(i, self[i.field_name]) for i in chosen.required_items],
            "optional": [(i, self[i.field_name]) for i in chosen.optional_items],
        }

    def check_consents(self) -> bool:
        """After is_valid(): put an error on each required consent not given; True if all are."""
        ok = True
        for item in consent_set(self.consent_set).required_items:
            if not self.cleaned_data.get(item.field_name):
                self.add_error(item.field_name, _("필수 동의 항목에 동의해야 진행할 수 있습니다."))
                ok = False
        return ok

    def non_consent_fields(self):
        names = set(self.consent_field_names())
        return [f for f in self.visible_fields() if f.name not in names]

    def consent_field_names(self) -> list[str]:
        return [i.field_name for i in consent_set(self.consent_set).items]


def record_consents(*, user, form, request=None, context: str = "") -> list[Consent]:
    """Store each item of the form's consent set as agreed or declined, in the current schema."""
    chosen = consent_set(form.consent_set)
    ip = client_ip(request) if request is not None else None
    rows = [
        Consent(
            user_id=user.pk,
            key=item.key,
            version=chosen.version,
            required=item.required,
            granted=bool(form.cleaned_data.get(item.field_name)),
            items=str(item.items)[:300],
            purpose=str(item.purpose)[:300],
            retention=item.retention_text()[:200],
            context=context[:60],
            ip_address=ip,
        )
        for item in chosen.items
    ]
    return Consent.objects.bulk_create(rows)


PHONE_KEYS = ("signup.phone", "profile.phone")


def has_consent(user_id: int, *keys: str) -> bool:
    """Whether the latest answer to any of ``keys`` is a consent not withdrawn."""
    last = (
        Consent.objects.filter(user_id=user_id, key__in=keys).order_by("-created_at", "-id").first()
    )
    return bool(last and last.granted and last.withdrawn_at is None)


def consent_withdraw(*, user_id: int, keys: tuple[str, ...]) -> int:
    """Mark the person's consents to ``keys`` withdrawn (the rows stay as the record)."""
    from django.utils import timezone

    return Consent.objects.filter(
        user_id=user_id, key__in=keys, granted=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
