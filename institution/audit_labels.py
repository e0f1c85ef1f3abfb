"""What an audit row's action code means, in the reader's language.

Codes are ``<subject>.<verb>`` (``member.role``, ``facility_booking.approve``,
``website.page_publish``). ``action_label`` answers an exact label when the code has one,
else one composed from the subject's and the verb's labels ("시설 대관 · 승인"), so a code
added later still reads as words. Apps may add exact labels with
``register_action_labels`` (in their AppConfig.ready).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EXACT: dict[str, Promise | str] = {
    "member.invite": _("구성원 초대"),
    "member.role": _("구성원 역할 변경"),
    "member.deactivate": _("구성원 비활성화"),
    "member.reactivate": _("구성원 재활성화"),
    "institution.profile": _("기관 정보 수정"),
    "handover": _("업무 인계인수"),
    "api_token.create": _("API 토큰 발급"),
    "api_token.revoke": _("API 토큰 폐기"),
    "staff_profile.update": _("직원 정보 수정"),
    "absence.create": _("부재 등록"),
    "absence.delete": _("부재 삭제"),
    "department.create": _("부서 신설"),
    "department.update": _("부서 정보 수정"),
    "department.move": _("부서 이동"),
    "position.create": _("직위 등록"),
    "rank.create": _("직급 등록"),
    "board.create": _("게시판 신설"),
    "board.update": _("게시판 설정 변경"),
    "post.create": _("게시글 등록"),
    "post.update": _("게시글 수정"),
    "post.delete": _("게시글 삭제"),
    "approval.approve": _("결재 승인"),
    "approval.handover": _("결재 업무 인계"),
    "approval.settings": _("전자결재 설정 변경"),
    "approval.seal_upload": _("직인 등록"),
    "approval.form_save": _("결재 양식 저장"),
    "approval.line_template_save": _("결재선 서식 저장"),
    "approval.line_template_delete": _("결재선 서식 삭제"),
    "approval.delegation_set": _("위임전결 지정"),
    "approval.delegation_delete": _("위임전결 해제"),
    "approval.register_dispose": _("기록물 폐기"),
    "approval.register_extend": _("기록물 보존기간 연장"),
    "exchange.send": _("문서 발송"),
    "exchange.register": _("문서 접수"),
    "exchange.return": _("문서 반송"),
    "facility_booking.approve": _("대관 승인"),
    "facility_booking.reject": _("대관 반려"),
    "facility_booking.payment": _("대관 결제 기록"),
    "facility_booking.cancel": _("대관 취소(기관)"),
    "facility_booking.completed": _("대관 이용 완료 처리"),
    "facility_booking.no_show": _("대관 미이용(노쇼) 처리"),
    "facility_booking.book_on_behalf": _("대관 대리 접수"),
    "facility_booking.block": _("시설 사용 제한"),
    "facility_booking.unblock": _("시설 사용 제한 해제"),
    "facility_booking.handover": _("대관 담당 인계"),
    "facility_booking.discount_accepted": _("감면 증빙 확인"),
    "facility_booking.discount_refused": _("감면 거절"),
    "facility_booking.facility_create": _("시설 등록"),
    "facility_booking.facility_update": _("시설 정보 수정"),
    "facility_booking.facility_hours": _("시설 운영 시간 변경"),
    "facility_booking.facility_discounts": _("시설 감면 기준 변경"),
    "facility_booking.facility_refunds": _("시설 환불 기준 변경"),
    "facility_booking.facility_equipment": _("시설 장비 목록 변경"),
    "facility_booking.closed_date_add": _("휴관일 지정"),
    "facility_booking.closed_date_remove": _("휴관일 해제"),
    "facility_booking.photo_add": _("시설 사진 추가"),
    "facility_booking.photo_remove": _("시설 사진 삭제"),
    "payments.refund_manual": _("환불 수기 처리"),
    "programs.program_create": _("프로그램 등록"),
    "programs.program_update": _("프로그램 수정"),
    "programs.program_publish": _("프로그램 게시"),
    "programs.program_unpublish": _("프로그램 게시 중지"),
    "programs.program_cancel": _("프로그램 폐강"),
    "programs.application_cancel": _("프로그램 신청 취소(기관)"),
    "programs.roster_export": _("수강생 명단 내보내기"),
}

SUBJECTS: dict[str, Promise | str] = {
    "member": _("구성원"),
    "institution": _("기관"),
    "api_token": _("API 토큰"),
    "staff_profile": _("직원 정보"),
    "absence": _("부재"),
    "department": _("부서"),
    "position": _("직위"),
    "rank": _("직급"),
    "board": _("게시판"),
    "post": _("게시글"),
    "approval": _("전자결재"),
    "exchange": _("문서유통"),
    "facility_booking": _("시설 대관"),
    "payments": _("결제"),
    "programs": _("프로그램"),
    "website": _("홈페이지"),
    "privacy": _("개인정보"),
}

# The words verbs are made of (``page_publish`` → 페이지 · 게시).
WORDS: dict[str, Promise | str] = {
    "create": _("등록"),
    "update": _("수정"),
    "save": _("저장"),
    "delete": _("삭제"),
    "remove": _("삭제"),
    "add": _("추가"),
    "approve": _("승인"),
    "reject": _("반려"),
    "cancel": _("취소"),
    "publish": _("게시"),
    "unpublish": _("게시 중지"),
    "withdraw": _("철회"),
    "invite": _("초대"),
    "role": _("역할 변경"),
    "settings": _("설정 변경"),
    "export": _("내보내기"),
    "import": _("가져오기"),
    "send": _("발송"),
    "register": _("등록"),
    "move": _("이동"),
    "page": _("페이지"),
    "job": _("채용 공고"),
    "disclosure": _("공개 자료"),
    "open": _("원문"),
    "document": _("문서"),
    "files": _("파일"),
    "file": _("파일"),
    "extend": _("보존기간 연장"),
    "dispose": _("폐기"),
}


def register_action_labels(labels: dict[str, Promise | str]) -> None:
    """Exact labels for an app's codes (the same code again replaces the label)."""
    EXACT.update(labels)


def action_label(code: str) -> str:
    """The action in the active language: exact, composed, or (last resort) the code."""
    code = code or ""
    if code in EXACT:
        return str(EXACT[code])
    subject, _dot, verb = code.partition(".")
    if not verb:
        subject, verb = "", subject
    parts = [str(SUBJECTS[subject])] if subject in SUBJECTS else ([subject] if subject else [])
    words = [str(WORDS[w]) for w in verb.split("_") if w in WORDS]
    if words and len(words) == len([w for w in verb.split("_") if w]):
        parts.append(" ".join(words))
    elif verb:
        return " · ".join(parts + [verb]) if parts else code
    return " · ".join(parts) or code
