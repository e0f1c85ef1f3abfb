"""전자결재 API (institution host, /api/v1/documents/…). Thin: parse, call a service, answer.

Errors: bad input → 400 (one shape), not your turn → 403, not visible → 404,
the document has moved on → 409 (api.errors.Conflict).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from accounts.access import StaffPermission
from api.errors import Conflict
from api.filters import Ordering
from api.filtersets import LIST_FILTERS
from api.serializers import ErrorSerializer
from groupware.approval import permissions, selectors, services
from groupware.approval import serializers as s
from groupware.approval.actions import ACTIONS, WorkflowAction, perform
from groupware.approval.errors import ApprovalConflict, ApprovalForbidden
from groupware.approval.filters import INBOX_BOXES, DocumentFilterSet, PostReportFilterSet
from groupware.approval.models import Document, PostReport, State

TAG = ["approval"]
CONFLICT = OpenApiResponse(ErrorSerializer, description="문서 상태가 이미 바뀌어 처리할 수 없음")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="지금 이 문서를 처리할 차례·권한이 없음")
INVALID = OpenApiResponse(ErrorSerializer, description="입력 오류 (한국어 메시지)")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="문서가 없거나 볼 수 없음")
OUTSIDER = OpenApiResponse(ErrorSerializer, description="이 기관의 직원이 아님 (다른 기관 소속)")


class ApprovalAPIView(GenericAPIView):
    """Members of this institution only: anonymous 401, anyone not staff here 404."""

    pagination_class: type[BasePagination] | None = None
    permission_classes = [StaffPermission.requiring(permissions.can_use_approval)]

    def document(self, pk):
        if int(pk) > s.MAX_ID:
            raise Http404
        return selectors.document_for(self.request.user, pk)

    def run(self, call):
        """Call a service, turning its refusals into API errors."""
        try:
            return call()
        except ApprovalConflict as error:
            raise Conflict(error.message, error.code) from error
        except ApprovalForbidden as error:
            raise exceptions.PermissionDenied(error.message, error.code) from error
        except PermissionDenied as error:
            raise exceptions.PermissionDenied() from error

    def answer(self, document, code=status.HTTP_200_OK):
        document.refresh_from_db()
        return Response(s.DocumentSerializer(document).data, status=code)


DOCUMENT_ORDERING = Ordering(
    {
        "created_at": "created_at",
        "submitted_at": "submitted_at",
        "approved_at": "approved_at",
        "title": "title",
    },
    default="문서함마다 (결재대기: 상신 순, 완료: 최근 결재 순, 그 밖: 최근 순)",
)


class DocumentListCreateView(ApprovalAPIView):
    from api.pagination import PageNumberPagination

    pagination_class = PageNumberPagination
    serializer_class = s.DocumentListSerializer
    filter_backends = LIST_FILTERS
    filterset_class = DocumentFilterSet
    ordering_whitelist = DOCUMENT_ORDERING

    def get_queryset(self):
        """The asked inbox of the person (an unknown box: nothing; the FilterSet answers 400)."""
        if getattr(self, "swagger_fake_view", False):  # schema generation: no person
            return Document.objects.none()
        box = self.request.query_params.get("box") or "waiting"
        if box not in dict(INBOX_BOXES):
            return Document.objects.none()
        return selectors.inbox(self.request.user, box)

    @extend_schema(
        operation_id="approval_documents_list",
        tags=TAG,
        summary="문서함 (결재대기·진행중·완료·반려·참조·공람·임시저장)",
        parameters=[DOCUMENT_ORDERING.parameter()],
        responses={200: s.DocumentListSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.DocumentListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="approval_documents_create",
        tags=TAG,
        summary="기안 (임시저장)",
        request=s.DocumentWriteSerializer,
        responses={201: s.DocumentSerializer, 400: INVALID, 404: OUTSIDER},
    )
    def post(self, request):
        data = s.DocumentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        line, cc, leave = values.pop("line"), values.pop("cc"), values.pop("leave")
        document = self.run(
            lambda: services.document_create_draft(
                actor=request.user,
                institution=request.institution,
                line=[dict(step) for step in line],
                cc=cc,
                leave=dict(leave) if leave else None,
                **values,
            )
        )
        return self.answer(document, status.HTTP_201_CREATED)


class DocumentDetailView(ApprovalAPIView):
    serializer_class = s.DocumentSerializer

    @extend_schema(
        operation_id="approval_documents_retrieve",
        tags=TAG,
        summary="문서 (현재 결재선 포함)",
        responses={200: s.DocumentSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        document = self.document(pk)
        services.document_mark_read(user=request.user, document=document)
        return Response(s.DocumentSerializer(document).data)

    @extend_schema(
        operation_id="approval_documents_partial_update",
        tags=TAG,
        summary="임시저장·반려·회수 문서 수정 (기안자)",
        request=s.DocumentUpdateSerializer,
        responses={200: s.DocumentSerializer, 400: INVALID, 403: FORBIDDEN, 409: CONFLICT},
    )
    def patch(self, request, pk: int):
        document = self.document(pk)
        data = s.DocumentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        extra: dict[str, Any] = {}
        if "line" in values:
            extra["line"] = [dict(step) for step in values.pop("line")]
        if "cc" in values:
            extra["cc"] = values.pop("cc")
        if "leave" in values:
            leave = values.pop("leave")
            extra["leave"] = dict(leave) if leave else None
        self.run(
            lambda: services.document_update_draft(
                actor=request.user,
                institution=request.institution,
                document=document,
                **extra,
                **values,
            )
        )
        return self.answer(document)


def action_view(name: str, spec: WorkflowAction):
    """One small POST view per workflow action (the table in groupware.approval.actions)."""

    class ActionView(ApprovalAPIView):
        serializer_class = spec.api_input

        @extend_schema(
            operation_id=f"approval_documents_{name.replace('-', '_')}",
            tags=TAG,
            summary=spec.summary,
            request=spec.api_input,
            responses={
                (201 if spec.creates else 200): s.DocumentSerializer,
                400: INVALID,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
            },
        )
        def post(self, request, pk: int):
            document = self.document(pk)
            data = spec.api_input(data=request.data)
            data.is_valid(raise_exception=True)
            result = self.run(
                lambda: perform(
                    name,
                    actor=request.user,
                    institution=request.institution,
                    document=document,
                    inputs=spec.from_api(data.validated_data),
                )
            )
            if spec.creates:
                return self.answer(result, status.HTTP_201_CREATED)
            return self.answer(document)

    ActionView.__name__ = f"Document{name.title().replace('-', '')}View"
    return ActionView.as_view()


ACTION_VIEWS = {name: action_view(name, spec) for name, spec in ACTIONS.items()}


class DocumentPdfView(ApprovalAPIView):
    @extend_schema(
        operation_id="approval_documents_pdf",
        tags=TAG,
        summary="공문서 PDF (결재 완료 문서)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH)],
    )
    def get(self, request, pk: int):
        from groupware.approval.pdf import ensure_pdf

        document = self.document(pk)
        if document.state != State.APPROVED:
            raise Conflict("결재가 끝난 문서만 PDF로 받을 수 있습니다.", "not_approved")
        if not document.pdf:
            ensure_pdf(document.pk)
            document.refresh_from_db()
        return FileResponse(
            document.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"{document.number}.pdf",
        )


class DocumentAttachmentView(ApprovalAPIView):
    @extend_schema(
        operation_id="approval_documents_attachment",
        tags=TAG,
        summary="붙임 파일 받기 (문서를 볼 수 있는 사람만)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
        parameters=[
            OpenApiParameter("pk", int, OpenApiParameter.PATH),
            OpenApiParameter("attachment_id", int, OpenApiParameter.PATH),
        ],
    )
    def get(self, request, pk: int, attachment_id: int):
        document = self.document(pk)
        if int(attachment_id) > s.MAX_ID:
            raise Http404
        item = document.attachments.filter(pk=attachment_id).first()
        if item is None:
            raise Http404
        return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


class LeaveBalanceView(ApprovalAPIView):
    @extend_schema(
        operation_id="approval_leave_balance",
        tags=TAG,
        summary="내 연차 현황 (부여·사용·진행 중·잔여·신청 가능)",
        parameters=[s.LeaveBalanceQuery],
        responses={200: s.LeaveBalanceSerializer, 400: INVALID},
    )
    def get(self, request):
        from groupware.approval.leave import leave_balance

        query = s.LeaveBalanceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        balance = leave_balance(request.user, query.validated_data.get("year"))
        return Response(s.LeaveBalanceSerializer(balance).data)


class PostReportListView(ApprovalAPIView):
    from api.pagination import PageNumberPagination

    pagination_class = PageNumberPagination
    serializer_class = s.PostReportSerializer
    filter_backends = LIST_FILTERS
    filterset_class = PostReportFilterSet

    def get_queryset(self):
        """The person's 사후보고 (schema generation: none, it has no person)."""
        if getattr(self, "swagger_fake_view", False):
            return PostReport.objects.none()
        return selectors.post_reports_for(self.request.user)

    @extend_schema(
        operation_id="approval_post_reports_list",
        tags=TAG,
        summary="사후보고함 (부재 중 대결된 문서)",
        responses={200: s.PostReportSerializer(many=True), 400: INVALID},
    )
    def get(self, request):
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PostReportSerializer(page, many=True).data)


class PostReportAcknowledgeView(ApprovalAPIView):
    serializer_class = s.EmptyInput

    @extend_schema(
        operation_id="approval_post_reports_acknowledge",
        tags=TAG,
        summary="사후보고 확인",
        request=s.EmptyInput,
        responses={200: s.PostReportSerializer, 404: NOT_FOUND, 409: CONFLICT},
        parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH)],
    )
    def post(self, request, pk: int):
        if int(pk) > s.MAX_ID:
            raise Http404
        report = selectors.post_report_for(request.user, pk)
        report = self.run(
            lambda: services.post_report_acknowledge(actor=request.user, report=report)
        )
        return Response(s.PostReportSerializer(report).data)


class FormListView(ApprovalAPIView):
    serializer_class = s.FormTemplateSerializer

    @extend_schema(
        operation_id="approval_forms_list",
        tags=TAG,
        summary="양식 목록 (사용 중인 양식과 항목 정의)",
        responses={200: s.FormTemplateSerializer(many=True), 404: OUTSIDER},
    )
    def get(self, request):
        from groupware.approval.models import FormTemplate

        rows = FormTemplate.objects.filter(is_active=True)
        return Response(s.FormTemplateSerializer(rows, many=True).data)


class LineProposalView(ApprovalAPIView):
    serializer_class = s.LineProposalSerializer

    @extend_schema(
        operation_id="approval_line_proposal",
        tags=TAG,
        summary="조직도와 위임전결 규정으로 제안한 결재선 (양식, 금액)",
        parameters=[s.LineProposalQuery],
        responses={200: s.LineProposalSerializer, 400: INVALID},
    )
    def get(self, request):
        query = s.LineProposalQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        line = services.propose_line(
            institution=request.institution,
            drafter=request.user,
            form=query.validated_data["form"],
            amount=query.validated_data.get("amount"),
        )
        return Response({"line": line})


class RegisterListView(ApprovalAPIView):
    from api.pagination import PageNumberPagination

    pagination_class = PageNumberPagination
    serializer_class = s.RegisterEntrySerializer

    @extend_schema(
        operation_id="approval_register_list",
        tags=TAG,
        summary="기록물 등록대장 (부서별 생산·접수 문서, 부서마다 해마다 연번)",
        parameters=[s.RegisterQuery],
        responses={200: s.RegisterEntrySerializer(many=True), 400: INVALID, 404: NOT_FOUND},
    )
    def get(self, request):
        from groupware.approval import registers
        from groupware.approval.permissions import department_of

        query = s.RegisterQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        department = values.get("department") or department_of(request.user)
        if department is None:
            raise Http404
        rows = registers.register_rows(
            request.user,
            request.institution,
            department_id=department,
            filters={"year": values.get("year"), "kind": values.get("kind", "")},
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.RegisterEntrySerializer(page, many=True).data)
