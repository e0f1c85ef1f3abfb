"""Demo data for 전자결재: a delegation table and documents in every state, including one
approved by 전결 and one by 대결 (with its 사후보고). Idempotent (by title).

Runs after groupware's org seed; when that has not run, creates the few
positions, a department and profiles it needs (get-or-create, never overwriting).
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groupware.approval import services
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden
from groupware.approval.leave import is_workday
from groupware.approval.models import DelegationRule, Document, Form
from groupware.models import Absence, Department, Position, StaffProfile
from groupware.seed import demo_email

logger = logging.getLogger(__name__)


def _org_user(institution, local: str):
    return User.objects.filter(email=demo_email(institution, local)).first()


def _ensure_profile(user, department, position):
    StaffProfile.objects.get_or_create(
        user=user, defaults={"department": department, "position": position}
    )


def _cast(institution, people) -> dict | None:
    """Who drafts and who signs, from the org seed when present, else a minimal org."""
    chair, director = _org_user(institution, "chair"), _org_user(institution, "hq1")
    drafter, team = people.get("staff1"), people.get("admin")
    if chair and director and drafter and team:
        return {"drafter": drafter, "team": team, "director": director, "chair": chair}
    if not all(people.get(k) for k in ("staff1", "staff2", "facility", "admin")):
        return None
    positions = {
        name: Position.objects.get_or_create(name=name, defaults={"level": level})[0]
        for name, level in (("이사장", 1), ("본부장", 2), ("팀장", 4), ("주임", 8))
    }
    department = Department.objects.filter(is_active=True).order_by("order", "id").first()
    if department is None:
        department, _ = Department.objects.get_or_create(
            name="기획예산팀", parent=None, defaults={"short_name": "기획예산팀"}
        )
    cast = {
        "drafter": people["staff1"],
        "team": people["staff2"],
        "director": people["facility"],
        "chair": people["admin"],
    }
    for key, position in (
        ("drafter", "주임"),
        ("team", "팀장"),
        ("director", "본부장"),
        ("chair", "이사장"),
    ):
        _ensure_profile(cast[key], department, positions[position])
    return cast


def _position_of(user):
    profile = StaffProfile.objects.select_related("position").filter(user=user).first()
    return profile.position if profile else None


def _next_workday(start: datetime.date) -> datetime.date:
    day = start
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _hire_dates(cast: dict) -> None:
    """Hire dates, so annual leave accrues by 근로기준법 제60조 (set once, never changed)."""
    today = timezone.localdate()
    for key, years_ago, months_ago in (
        ("chair", 21, 0),
        ("director", 12, 3),
        ("team", 6, 5),
        ("drafter", 0, 8),  # in the first year: one day per full month
    ):
        user = cast.get(key)
        if user is None:
            continue
        hired = today.replace(day=1) - datetime.timedelta(days=365 * years_ago + 30 * months_ago)
        StaffProfile.objects.filter(user=user, hire_date__isnull=True).update(hire_date=hired)


def _expense(amount: int) -> dict:
    return {
        "amount": amount,
        "budget_item": "사무관리비 > 일반수용비",
        "vendor": "한빛전기상사",
        "payment_method": "계좌이체",
        "items": [
            {"name": "LED 조명", "quantity": "20", "unit_price": amount // 20, "amount": amount}
        ],
    }


def _receipt():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "견적서.pdf", b"%PDF-1.4\n% demo quotation\n", content_type="application/pdf"
    )


# Long because it is demo data written out (idempotent get-or-create, one item per line).
def seed_institution(*, institution, people) -> dict:
    cast = _cast(institution, people)
    if cast is None:
        return {}
    drafter, team, director, chair = cast["drafter"], cast["team"], cast["director"], cast["chair"]
    # 위임전결 by form and amount: 지출 100만 원까지 팀장, 500만 원까지 본부장, 넘으면 이사장
    for form, who, limit in (
        (Form.GENERAL, team, None),
        (Form.TRIP, team, None),
        (Form.LEAVE, team, None),
        (Form.LEAVE_CANCEL, team, None),
        (Form.EXPENSE, team, 1_000_000),
        (Form.EXPENSE, director, 5_000_000),
    ):
        position = _position_of(who)
        if position is not None:
            DelegationRule.objects.get_or_create(
                form=form, max_amount=limit, defaults={"position": position}
            )
    _hire_dates(cast)

    made: dict[str, Document] = {}
    kw = {"institution": institution}

    def line(*steps):
        return [{"user": user, "role": role} for role, user in steps]

    def draft(key, title, steps, form=Form.GENERAL, body="", **extra):
        existing = Document.objects.filter(title=title, drafter=drafter).first()
        if existing is not None:
            return None
        if form == Form.EXPENSE:
            extra.setdefault("form_data", _expense(3_200_000 if "사무용품" in title else 880_000))
            extra.setdefault("attachments", [_receipt()])
        doc = services.document_create_draft(
            actor=drafter, line=steps, form=form, title=title, body=body, **kw, **extra
        )
        made[key] = doc
        return doc

    body = (
        "<ol><li>관련: 2026년 기관 운영계획</li><li>위와 관련하여 다음과 같이 추진하고자 합니다."
        "<ol><li>일시: 2026. 12. 10.(목) 14:00</li><li>장소: 문화예술회관 소공연장</li>"
        "<li>내용<ol><li>운영 결과 공유</li><li>개선 과제 논의</li></ol></li></ol></li></ol>"
    )
    scenarios = [
        ("draft", "2027년 업무계획 수립 (안)", line(("review", team), ("approve", chair)), {}),
        (
            "in_approval",
            "시민 참여 행사 자원봉사자 모집 계획",
            line(("review", team), ("cooperate", director), ("approve", chair)),
            {},
        ),
        (
            "on_hold",
            "시설 조명 교체 지출결의",
            line(("review", team), ("approve", director)),
            {"form": Form.EXPENSE},
        ),
        ("returned", "청사 방역 용역 계약 추진", line(("review", team), ("approve", chair)), {}),
        (
            "recalled",
            "직원 역량강화 교육 참가 보고",
            line(("review", team), ("approve", chair)),
            {},
        ),
        (
            "approved",
            "2026년 하반기 대관 운영 결과 보고",
            line(("review", team), ("approve", chair)),
            {},
        ),
        (
            "approved_delegated",
            "사무용품 구입 지출결의 (12월)",
            line(("review", team), ("approve", director)),
            {"form": Form.EXPENSE},
        ),
        (
            "approved_acting",
            "기획예산팀 시간외근무 명령",
            line(("review", team), ("approve", chair)),
            {},
        ),
    ]
    for key, title, steps, extra in scenarios:
        try:
            with transaction.atomic():
                doc = draft(key, title, steps, body=body, **extra)
                if doc is None or key == "draft":
                    continue
                services.document_submit(actor=drafter, document=doc, **kw)
                if key == "in_approval":
                    services.document_approve(
                        actor=team, document=doc, opinion="일정 확인했습니다.", **kw
                    )
                elif key == "on_hold":
                    services.document_hold(actor=team, document=doc, note="견적 재확인 중", **kw)
                elif key == "returned":
                    services.document_return(
                        actor=team,
                        document=doc,
                        opinion="예산 과목을 확인해 다시 올려 주세요.",
                        **kw,
                    )
                elif key == "recalled":
                    services.document_recall(actor=drafter, document=doc, reason="첨부 누락", **kw)
                elif key in ("approved", "approved_delegated"):
                    services.document_approve(actor=team, document=doc, **kw)
                    services.document_approve(
                        actor=chair if key == "approved" else director,
                        document=doc,
                        opinion="수고하셨습니다." if key == "approved" else "",
                        **kw,
                    )
                elif key == "approved_acting":
                    services.document_approve(actor=team, document=doc, **kw)
                    now = timezone.now()
                    Absence.objects.create(
                        user=chair,
                        kind=Absence.Kind.BUSINESS_TRIP,
                        starts_at=now - datetime.timedelta(hours=2),
                        ends_at=now + datetime.timedelta(minutes=1),
                        deputy=director,
                        reason="시 협의회 참석 (전자결재 대결)",
                    )
                    services.document_approve(actor=director, document=doc, **kw)
        except (ValidationError, ApprovalConflict, ApprovalForbidden) as error:
            logger.warning("approval seed: %s skipped: %s", title, error)
    # a circulated document, and an approved leave request (팀장 전결)
    if "approved" in made:
        try:
            services.document_circulate(
                actor=drafter, document=made["approved"], users=[director], **kw
            )
        except (ValidationError, ApprovalConflict, ApprovalForbidden) as error:
            logger.warning("approval seed: circulation skipped: %s", error)
    start = _next_workday(timezone.localdate() + datetime.timedelta(days=7))
    try:
        with transaction.atomic():
            leave_doc = draft(
                "leave",
                "휴가신청 (연차)",
                line(("approve", team)),
                form=Form.LEAVE,
                leave={
                    "kind": "annual",
                    "start_date": start,
                    "end_date": start,
                    "reason": "개인 용무",
                },
            )
            if leave_doc is not None:
                services.document_submit(actor=drafter, document=leave_doc, **kw)
                services.document_approve(actor=team, document=leave_doc, **kw)
    except (ValidationError, ApprovalConflict, ApprovalForbidden) as error:
        logger.warning("approval seed: leave skipped: %s", error)
    return made
