"""Personal data of the groupware apps (org, approval, boards, schedule), declared to
privacy. Approved documents keep their signers' names by law (records act): a legal hold."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import (
    LegalHold,
    PersonalData,
    Subject,
    register_legal_hold,
    register_personal_data,
)


def _user(s: Subject) -> Q:
    return Q(user_id=s.user_id)


register_personal_data(
    PersonalData(
        model="groupware.StaffProfile",
        match=_user,
        delete=True,
        file_fields=("photo", "signature"),
        description=_("직원 프로필(내선번호, 담당 업무, 사진, 서명 이미지)"),
    ),
    PersonalData(
        model="groupware.Absence",
        match=_user,
        scrub_fields=("reason",),
        description=_("부재·휴가 기록(근태 기록으로 보관, 사유의 개인정보는 지움)"),
    ),
    PersonalData(
        model="approval.Notification",
        match=_user,
        delete=True,
        description=_("전자결재 알림"),
    ),
    PersonalData(
        model="approval.FavouriteLine",
        match=lambda s: Q(owner_id=s.user_id),
        delete=True,
        description=_("자주 쓰는 결재선"),
    ),
    PersonalData(
        model="approval.LineTemplate",
        match=lambda s: Q(created_by_id=s.user_id),
        pseudonym_fields=("created_by_name",),
        description=_("부서 공용 결재선을 만든 사람"),
    ),
    PersonalData(
        model="approval.Seal",
        match=lambda s: Q(uploaded_by_id=s.user_id),
        pseudonym_fields=("uploaded_by_name",),
        description=_("직인을 등록한 사람"),
    ),
    PersonalData(
        model="boards.PostRead",
        match=_user,
        delete=True,
        description=_("게시글 읽음 기록"),
    ),
    PersonalData(
        model="schedule.Attendee",
        match=_user,
        delete=True,
        description=_("일정 참석 응답"),
    ),
    PersonalData(
        model="schedule.Calendar",
        match=lambda s: Q(owner_id=s.user_id),
        scrub_fields=("name",),
        description=_("개인 캘린더"),
    ),
)

_RECORDS_ACT = _(
    "결재가 끝난 전자결재 문서의 기안자·결재자 이름과 직위는 「공공기록물 관리에 관한 법률」에 따라 기록물로 보존됩니다."
)

register_legal_hold(
    LegalHold(
        "approval.Document",
        ("drafter_name", "drafter_position", "recipients", "form_data"),
        _RECORDS_ACT,
    ),
    LegalHold("approval.DocumentRecipient", ("name", "email"), _RECORDS_ACT),
    LegalHold("approval.RegisterEntry", ("author", "recipients", "sender"), _RECORDS_ACT),
    LegalHold("approval.DisposalDecision", ("decided_by_name", "reason"), _RECORDS_ACT),
    LegalHold(
        "approval.Step",
        ("approver_name", "approver_position", "acted_by_name", "acted_by_position", "opinion"),
        _RECORDS_ACT,
    ),
    LegalHold("approval.DocumentVersion", ("edited_by_name",), _RECORDS_ACT),
    LegalHold("approval.DocumentEvent", ("actor_name",), _RECORDS_ACT),
    LegalHold("approval.Reader", ("user_name",), _RECORDS_ACT),
)
