"""문서유통 API (institution host, /api/v1/exchange/…). Thin: parse, ask, call a service.

Anonymous 401; not staff here 404; a received document not the caller's to see (or
another institution's id) 404; a member who may not act 403; a step the document has
moved past 409; bad input 400 — one error shape.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.access import StaffPermission
from accounts.models import User
from api.errors import Conflict
from api.pagination import PageNumberPagination
from api.serializers import ErrorSerializer
from groupware.exchange import permissions, selectors, services
from groupware.exchange import serializers as s
from groupware.exchange.errors import ExchangeConflict, ExchangeForbidden
from groupware.exchange.relay.models import EnvelopeState
from groupware.exchange.stamp import ensure_stamped

TAG = ["exchange"]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="없거나 볼 수 없는 문서 (다른 기관 포함)")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="이 처리를 할 권한이 없음")
CONFLICT = OpenApiResponse(ErrorSerializer, description="문서가 이미 다음 단계로 넘어감")
INVALID = OpenApiResponse(ErrorSerializer, description="입력 오류 (한국어 메시지)")
OUTSIDER = OpenApiResponse(
    ErrorSerializer, description="이 기관의 직원이 아님 (다른 기관 소속·주민)"
)


class ExchangeAPIView(GenericAPIView):
    permission_classes = [StaffPermission.requiring(permissions.can_use_exchange)]
    pagination_class: type[PageNumberPagination] | None = None

    def received(self, pk):
        institution = getattr(self.request, "institution", None)
        return selectors.received_for(self.request.user, institution, pk)

    def run(self, call):
        try:
            return call()
        except ExchangeConflict as error:
            raise Conflict(error.message, error.code) from error
        except ExchangeForbidden as error:
            raise exceptions.PermissionDenied(error.message, error.code) from error


class ReceivedListView(ExchangeAPIView):
    pagination_class = PageNumberPagination
    serializer_class = s.ReceivedListSerializer

    @extend_schema(
        operation_id="exchange_received_list",
        tags=TAG,
        summary="수신 공문함 (문서과: waiting·registered·returned·all, 모두: department·mine·circulated)",
        parameters=[
            OpenApiParameter(
                "box",
                str,
                enum=list(selectors.BOXES),
                description="문서함 (기본: 문서과는 waiting, 그 밖에는 department)",
            )
        ],
        responses={
            200: s.ReceivedListSerializer(many=True),
            400: INVALID,
            403: OpenApiResponse(ErrorSerializer, description="문서과 문서함 (문서과만)"),
            404: OUTSIDER,
        },
    )
    def get(self, request):
        box = request.query_params.get("box") or selectors.default_box(
            request.user, request.institution
        )
        if box not in selectors.BOXES:
            raise exceptions.ValidationError({"box": [_("문서함 값이 올바르지 않습니다.")]})
        rows = selectors.incoming(request.user, request.institution, box)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ReceivedListSerializer(page, many=True).data)


class ReceivedDetailView(ExchangeAPIView):
    serializer_class = s.ReceivedSerializer

    @extend_schema(
        operation_id="exchange_received_retrieve",
        tags=TAG,
        summary="수신 공문 (본문, 붙임, 처리 기록)",
        responses={200: s.ReceivedSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        item = self.received(pk)
        services.received_mark_read(user=request.user, received=item)
        return Response(s.ReceivedSerializer(item).data)


class ReceivedPdfView(ExchangeAPIView):
    @extend_schema(
        operation_id="exchange_received_pdf",
        tags=TAG,
        summary="수신 공문 PDF (접수 후에는 접수인, ?original=1 발신 원본)",
        parameters=[
            OpenApiParameter(
                "original", int, enum=[0, 1], description="1: 발신 기관의 원본 PDF (접수인 없음)"
            )
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        item = self.received(pk)
        original = request.query_params.get("original") == "1" or not item.number
        if not original:
            ensure_stamped(item)
        field = item.original_pdf if original or not item.stamped_pdf else item.stamped_pdf
        if not field:
            raise Http404
        return FileResponse(
            field.open("rb"),
            content_type="application/pdf",
            filename=f"{item.number or item.sender_number}.pdf".replace("/", "_"),
        )


def _user(pk) -> User | None:
    return User.objects.filter(pk=pk).first()


def action_view(name: str, input_class, call, summary: str, code=status.HTTP_200_OK):
    class ActionView(ExchangeAPIView):
        serializer_class = input_class

        @extend_schema(
            operation_id=f"exchange_received_{name}",
            tags=TAG,
            summary=summary,
            request=input_class,
            responses={
                code: s.ReceivedSerializer,
                400: INVALID,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
            },
        )
        def post(self, request, pk: int):
            item = self.received(pk)
            data = input_class(data=request.data)
            data.is_valid(raise_exception=True)
            result = self.run(lambda: call(request, item, data.validated_data))
            if name == "reply":
                from groupware.approval.public import DocumentSerializer

                return Response(DocumentSerializer(result).data, status=code)
            item.refresh_from_db()
            return Response(s.ReceivedSerializer(item).data, status=code)

    ActionView.__name__ = f"Received{name.title()}View"
    return ActionView.as_view()


ACTION_VIEWS = {
    "register": action_view(
        "register",
        s.RegisterInput,
        lambda r, item, v: services.received_register(
            actor=r.user,
            institution=r.institution,
            received=item,
            department=v["department"],
            distribute=v["distribute"],
        ),
        "접수 (문서과): 처리과 등록대장의 접수등록번호",
    ),
    "distribute": action_view(
        "distribute",
        s.EmptyInput,
        lambda r, item, v: services.received_distribute(
            actor=r.user, institution=r.institution, received=item
        ),
        "배부 (문서과)",
    ),
    "return": action_view(
        "return",
        s.ReceivedReturnInput,
        lambda r, item, v: services.received_return(
            actor=r.user, institution=r.institution, received=item, reason=v["reason"]
        ),
        "반송 (문서과, 접수 전): 사유가 발신 기관에 전달됨",
    ),
    "assign": action_view(
        "assign",
        s.AssignInput,
        lambda r, item, v: services.received_assign(
            actor=r.user, institution=r.institution, received=item, assignee=_user(v["assignee"])
        ),
        "담당자 지정 (배부받은 부서의 부서장)",
    ),
    "circulate": action_view(
        "circulate",
        s.ReceivedCirculateInput,
        lambda r, item, v: services.received_circulate(
            actor=r.user,
            institution=r.institution,
            received=item,
            users=[_user(pk) for pk in v["users"]],
        ),
        "공람 지정 (담당자·부서장)",
    ),
    "reply": action_view(
        "reply",
        s.EmptyInput,
        lambda r, item, v: services.received_reply_draft(
            actor=r.user, institution=r.institution, received=item
        ),
        "회신 기안: 발신 기관에 보내는 임시저장 문서 (결재선은 조직도 제안)",
        code=status.HTTP_201_CREATED,
    ),
}


class SentListView(ExchangeAPIView):
    pagination_class = PageNumberPagination
    serializer_class = s.EnvelopeSerializer

    @extend_schema(
        operation_id="exchange_sent_list",
        tags=TAG,
        summary="발송함: 수신자별 상태와 시각 (발송 → 도달 → 접수 / 반송)",
        parameters=[
            OpenApiParameter("state", str, enum=EnvelopeState.values),
            OpenApiParameter("document", int, description="우리 문서 id"),
        ],
        responses={200: s.EnvelopeSerializer(many=True), 400: INVALID, 404: OUTSIDER},
    )
    def get(self, request):
        rows = selectors.sent_envelopes(request.user, request.institution)
        state = request.query_params.get("state")
        if state:
            if state not in EnvelopeState.values:
                raise exceptions.ValidationError({"state": [_("상태 값이 올바르지 않습니다.")]})
            rows = rows.filter(state=state)
        document = request.query_params.get("document")
        if document:
            if not document.isdigit() or len(document) > 18:
                raise exceptions.ValidationError({"document": [_("문서 id는 숫자입니다.")]})
            rows = rows.filter(document_id=int(document))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.EnvelopeSerializer(page, many=True).data)


class SendView(ExchangeAPIView):
    serializer_class = s.EmptyInput

    @extend_schema(
        operation_id="exchange_documents_send",
        tags=TAG,
        summary="발송: 결재가 끝난 대외 시행문을 아직 보내지 않은 수신자 모두에게 (직인 날인 PDF)",
        request=s.EmptyInput,
        responses={
            201: s.EnvelopeSerializer(many=True),
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk: int):
        from groupware.approval.public import document_for

        document = document_for(request.user, pk)
        envelopes = self.run(
            lambda: services.document_send(
                actor=request.user, institution=request.institution, document=document
            )
        )
        return Response(s.EnvelopeSerializer(envelopes, many=True).data, status=201)


class DirectoryView(ExchangeAPIView):
    serializer_class = s.InstitutionSerializer

    @extend_schema(
        operation_id="exchange_institutions",
        tags=TAG,
        summary="수신 기관 목록 (이 클라우드의 기관, 우리 기관 제외)",
        responses={200: s.InstitutionSerializer(many=True), 404: OUTSIDER},
    )
    def get(self, request):
        rows = [
            {"id": i.pk, "name": i.name, "head_title": i.head_title or i.name}
            for i in selectors.institutions_directory(request.institution)
        ]
        return Response(s.InstitutionSerializer(rows, many=True).data)
