"""Demo 문서유통 between the two demo institutions (runs after the org and approval seeds,
inside each institution's schema; idempotent by title).

- Each institution's 인사총무팀 is its 문서과, and each has a 직인.
- 한빛시 문화재단 (culture): 사업기획팀 sends an approved 시행문 with the seal to 한빛시
  체육회 (sports), delivered at once.
- 한빛시 체육회 (when its seed runs): the 문서과 registers it in 사업기획팀's register and
  distributes it; the head assigns a 담당자 who drafts a reply, approved and sent back —
  it waits in the culture foundation's 문서과 box for someone to register (접수).
"""

from __future__ import annotations

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tenants.utils import schema_context

from accounts.models import User
from groupware.approval import public as approval
from groupware.approval.public import Document, Seal
from groupware.exchange import services
from groupware.exchange.errors import ExchangeConflict, ExchangeForbidden
from groupware.exchange.models import ReceivedDocument, ReceivedState
from groupware.exchange.relay.models import Envelope, EnvelopeState
from groupware.models import Department

logger = logging.getLogger(__name__)

TITLE = "2026 한빛 시민 생활체육·문화 교류 한마당 공동 개최 협조 요청"
BODY = (
    "<p>1. 관련: 한빛시 문화·체육 협력 협약(2025. 3. 4.)</p>"
    "<p>2. 우리 재단은 시민의 문화·체육 교류를 위하여 아래와 같이 교류 한마당을 공동 개최하고자 "
    "하오니 협조하여 주시기 바랍니다.</p>"
    "<p>가. 일시: 2026. 12. 12.(토) 10:00~17:00</p>"
    "<p>나. 장소: 한빛시 종합운동장 및 문화예술회관</p>"
    "<p>다. 협조 사항: 체육 체험 부스 운영, 진행요원 10명 지원</p>"
)


def _user(institution, local: str) -> User | None:
    return User.objects.filter(email=f"{institution.slug}.{local}@demo.kr").first()


def _seal(institution, actor) -> None:
    """A red round seal with the institution's name, drawn with the shipped Korean font."""
    if Seal.objects.filter(is_active=True).exists() or actor is None:
        return
    from django.conf import settings
    from PIL import Image, ImageDraw, ImageFont

    size = 240
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 46, 235)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=10)
    font = ImageFont.truetype(str(settings.FONT_DIR / "NanumGothicBold.ttf"), 40)
    text = (institution.short_name or institution.name)[:4]
    lines = [text[:2], text[2:] + "인"] if len(text) > 2 else [text, "인"]
    for index, line in enumerate(lines):
        box = draw.textbbox((0, 0), line, font=font)
        x = (size - (box[2] - box[0])) / 2
        y = size / 2 - 50 + index * 56
        draw.text((x, y), line, font=font, fill=red)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    import hashlib

    seal = Seal(
        sha256=hashlib.sha256(buffer.getvalue()).hexdigest(),
        uploaded_by=actor,
        uploaded_by_name=actor.name,
    )
    seal.image.save("seal.png", SimpleUploadedFile("seal.png", buffer.getvalue()), save=False)
    seal.save()


def _deliver(envelope: Envelope) -> None:
    """Demo data is seeded without a worker: deliver in the receiver's schema now."""
    with schema_context(envelope.receiver.schema_name):
        services.envelope_deliver(envelope_id=envelope.pk)


def seed_institution(*, institution, people) -> dict:
    office = Department.objects.filter(name="인사총무팀").first()
    if office is not None and not office.is_document_office:
        Department.objects.filter(pk=office.pk).update(is_document_office=True)
    _seal(institution, people.get("admin"))
    try:
        if institution.slug == "culture":
            return {"sent": _send_from_culture(institution)}
        if institution.slug == "sports":
            return {"replied": _reply_from_sports(institution)}
    except (ValidationError, ExchangeConflict, ExchangeForbidden) as error:
        logger.warning("exchange seed skipped: %s", error)
    return {}


def _send_from_culture(institution) -> int:
    from tenants.models import Institution

    sports = Institution.objects.filter(slug="sports").first()
    drafter, head, chair = (
        _user(institution, "staff2"),
        _user(institution, "gw07"),
        _user(institution, "chair"),
    )
    if sports is None or not (drafter and head and chair):
        return 0
    if Document.objects.filter(title=TITLE).exists():
        return 0
    with transaction.atomic():
        doc = approval.document_create_draft(
            actor=drafter,
            institution=institution,
            title=TITLE,
            body=BODY,
            recipient_kind="named",
            recipient_list=[{"institution": sports.pk, "department_hint": "사업기획팀장"}],
            retention="5y",
            line=[{"user": head, "role": "review"}, {"user": chair, "role": "approve"}],
        )
        approval.document_submit(actor=drafter, institution=institution, document=doc)
        approval.document_approve(
            actor=head, institution=institution, document=doc, opinion="체육회와 일정 협의 완료"
        )
        approval.document_approve(actor=chair, institution=institution, document=doc)
        doc.refresh_from_db()
        envelopes = services.document_send(actor=drafter, institution=institution, document=doc)
    for envelope in envelopes:
        _deliver(envelope)
    return len(envelopes)


def _reply_from_sports(institution) -> int:
    """B's side of the story, once: 접수 → 배부 → 담당자 → 회신 → 발송."""
    office_clerk = _user(institution, "staff3")  # 인사총무팀 (문서과)
    head = _user(institution, "gw07")  # 사업기획팀장
    officer = _user(institution, "gw08")  # 사업기획팀 과장
    team = Department.objects.filter(name="사업기획팀").first()
    waiting = ReceivedDocument.objects.filter(title=TITLE, state=ReceivedState.DELIVERED).first()
    if waiting is None or not (office_clerk and head and officer and team):
        return 0
    with transaction.atomic():
        copy = services.received_register(
            actor=office_clerk,
            institution=institution,
            received=waiting,
            department=team,
            distribute=True,
        )
        copy = services.received_assign(
            actor=head, institution=institution, received=copy, assignee=officer
        )
        reply = services.received_reply_draft(actor=officer, institution=institution, received=copy)
        approval.document_update_draft(
            actor=officer,
            institution=institution,
            document=reply,
            body=reply.body
            + "<p>3. 우리 회는 체육 체험 부스 4곳을 운영하고 진행요원 10명을 지원하겠습니다.</p>",
        )
        approval.document_submit(actor=officer, institution=institution, document=reply)
        for step in reply.current_steps():
            approval.document_approve(actor=step.approver, institution=institution, document=reply)
        reply.refresh_from_db()
        envelopes = services.document_send(actor=officer, institution=institution, document=reply)
    for envelope in envelopes:
        if envelope.state == EnvelopeState.SENT:
            _deliver(envelope)
    return len(envelopes)
