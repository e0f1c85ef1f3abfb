"""The workflow actions on a document — one table that the pages and the API share.

Each entry names the service that does the work, the input it takes (the API's
serializer; the page reads the same fields from its form), the message a page shows
when it is done, and the API summary. ``perform`` calls the service; both front ends
map its refusals the same way (403 ``ApprovalForbidden``, 409 ``ApprovalConflict``,
400 ``ValidationError``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from groupware.approval import serializers as s
from groupware.approval import services


def _int(value) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 18 else 0


@dataclass(frozen=True)
class WorkflowAction:
    """One action: the service, its input, what the page says after it, the API summary."""

    service: Callable[..., Any]
    api_input: type[serializers.Serializer]
    done: Any  # a lazy translation
    summary: str
    # the service's keywords from a page's POST (a QueryDict) or the API's validated data
    from_form: Callable[[Any], dict[str, Any]] = lambda post: {}
    from_api: Callable[[Mapping[str, Any]], dict[str, Any]] = lambda data: {}
    creates: bool = False  # the result is a new document (redraft)


def _approve_form(post) -> dict[str, Any]:
    edit = "edit" in post  # the reviewer's edit box sends both fields
    return {
        "opinion": post.get("opinion", ""),
        "title": post.get("title") if edit else None,
        "body": post.get("body") if edit else None,
    }


ACTIONS: dict[str, WorkflowAction] = {
    "submit": WorkflowAction(
        services.document_submit, s.EmptyInput, _("상신했습니다."), "상신 (기안자)"
    ),
    "approve": WorkflowAction(
        services.document_approve,
        s.ApproveInput,
        _("결재했습니다."),
        "승인·전결·대결 (현재 결재자 또는 대결자). 검토자는 제목·본문을 고칠 수 있음",
        from_form=_approve_form,
        from_api=lambda v: {
            "opinion": v.get("opinion", ""),
            "title": v.get("title"),
            "body": v.get("body"),
        },
    ),
    "return": WorkflowAction(
        services.document_return,
        s.ReturnInput,
        _("반려했습니다."),
        "반려 (현재 결재자)",
        from_form=lambda post: {"opinion": post.get("opinion", "")},
        from_api=lambda v: {"opinion": v["opinion"]},
    ),
    "recall": WorkflowAction(
        services.document_recall,
        s.RecallInput,
        _("회수했습니다."),
        "회수 (기안자, 현재 결재 단계가 처리하기 전)",
        from_form=lambda post: {"reason": post.get("reason", "")},
        from_api=lambda v: {"reason": v.get("reason", "")},
    ),
    "hold": WorkflowAction(
        services.document_hold,
        s.HoldInput,
        _("보류했습니다."),
        "보류 (현재 결재자)",
        from_form=lambda post: {"note": post.get("note", "")},
        from_api=lambda v: {"note": v["note"]},
    ),
    "resume": WorkflowAction(
        services.document_resume, s.EmptyInput, _("보류를 해제했습니다."), "보류 해제"
    ),
    "cancel-approval": WorkflowAction(
        services.document_cancel_approval,
        s.EmptyInput,
        _("결재를 취소했습니다."),
        "결재취소 (다음 결재자가 처리하기 전)",
    ),
    "skip": WorkflowAction(
        services.document_skip,
        s.SkipInput,
        _("부재자 단계를 생략했습니다."),
        "부재자 검토·협조 단계 생략 (기안자; 사유는 부재 구분으로 기록)",
        from_form=lambda post: {"step_id": _int(post.get("step"))},
        from_api=lambda v: {"step_id": v["step"]},
    ),
    "circulate": WorkflowAction(
        services.document_circulate,
        s.CirculateInput,
        _("공람을 지정했습니다."),
        "공람 지정 (결재 완료 후 기안자·결재자)",
        from_form=lambda post: {
            "users": post.getlist("users"),
            "departments": [int(x) for x in post.getlist("departments") if x.isdigit()],
        },
        from_api=lambda v: {
            "users": v.get("users", []),
            "departments": v.get("departments", []),
        },
    ),
    "redraft": WorkflowAction(
        services.document_redraft,
        s.EmptyInput,
        _("재기안 문서를 만들었습니다."),
        "재기안: 이 문서를 복사한 새 임시저장 문서",
        creates=True,
    ),
}


def perform(name: str, *, actor, institution, document, inputs: dict[str, Any]):
    """Run action ``name`` on ``document``; returns the service's result."""
    return ACTIONS[name].service(actor=actor, institution=institution, document=document, **inputs)
