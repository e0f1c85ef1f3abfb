"""Open search API on the apex: GET /api/v1/search/ — anyone may call it (rate-limited).

The same search as the portal page (portal.search): ranked, Korean-aware,
with facets. Bad parameters answer 400 in the one error shape, a page past
the end 404.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer
from portal import search
from tenants.models import apex_url


class SearchFacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchFacetsSerializer(serializers.Serializer):
    type = SearchFacetValueSerializer(many=True, help_text="종류별 건수")
    institution = SearchFacetValueSerializer(
        many=True, help_text="기관별 건수 (value = 기관 주소 이름)"
    )
    kind = SearchFacetValueSerializer(many=True, help_text="시설 종류별 건수")
    district = SearchFacetValueSerializer(many=True, help_text="지역(구·군)별 건수")


class SearchInstitutionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="고유 식별자: 기관/종류/키")
    type = serializers.CharField()
    type_label = serializers.CharField()
    title = serializers.CharField()
    title_highlighted = serializers.CharField(
        help_text="일치한 단어를 <mark>로 감싼 HTML (이스케이프됨)"
    )
    snippet = serializers.CharField(help_text="요약, 일치한 단어를 <mark>로 감싼 HTML")
    institution = SearchInstitutionSerializer()
    url = serializers.CharField(help_text="지금의 주소")
    permalink = serializers.CharField(help_text="고유 링크 (주소가 바뀌어도 유효)")
    citation = serializers.CharField(help_text="인용문")
    published_at = serializers.DateTimeField(allow_null=True)
    facility_kind = serializers.CharField(allow_blank=True)
    capacity = serializers.IntegerField(allow_null=True)
    fee = serializers.IntegerField(
        allow_null=True, help_text="원 (시설: 기본 사용료, 프로그램: 수강료)"
    )
    district = serializers.CharField(allow_blank=True)
    audience = serializers.CharField(allow_blank=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)


class SearchAppliedSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="단어로 찾은 부분")
    filters = serializers.ListField(child=serializers.CharField(), help_text="적용된 조건")
    relaxed = serializers.BooleanField(help_text="모든 단어가 든 결과가 없어 일부 단어로 찾음")


SearchResponse = inline_serializer(
    "SearchResponse",
    fields={
        "count": serializers.IntegerField(),
        "count_estimated": serializers.BooleanField(
            help_text="1,000건이 넘으면 표본(10분의 1)으로 어림한 건수이고, 앞의 1,000건까지만 "
            "페이지로 볼 수 있습니다."
        ),
        "facets_estimated": serializers.BooleanField(help_text="facets 건수가 어림값인지"),
        "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True),
        "results": SearchHitSerializer(many=True),
        "facets": SearchFacetsSerializer(),
        "applied": SearchAppliedSerializer(),
    },
)

PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description="검색어. 띄어쓰기·조사가 달라도 찾습니다. '100명', '다음 주 토요일 오후', '무료' 같은 말은 조건으로 읽습니다 (interpret=0이면 글자 그대로).",
    ),
    OpenApiParameter(
        "type",
        str,
        many=True,
        description="종류: institution, facility, program, notice, job, page, disclosure, document (쉼표 또는 반복)",
    ),
    OpenApiParameter("institution", str, many=True, description="기관 주소 이름(slug)"),
    OpenApiParameter(
        "kind",
        str,
        many=True,
        description="시설 종류: hall, gym, meeting_room, field, studio, classroom, other",
    ),
    OpenApiParameter("district", str, many=True, description="지역(구·군)"),
    OpenApiParameter(
        "audience", str, description="대상: all, child, youth, adult, senior, family, disabled"
    ),
    OpenApiParameter("capacity", int, description="수용 인원 이상 (시설만)"),
    OpenApiParameter("fee_max", int, description="이용료 상한(원). 0이면 무료만"),
    OpenApiParameter(
        "free_from",
        OpenApiTypes.DATETIME,
        description="이 시각부터 비어 있는 시설 (free_to와 함께, 하루 안)",
    ),
    OpenApiParameter("free_to", OpenApiTypes.DATETIME, description="이 시각까지 비어 있는 시설"),
    OpenApiParameter("interpret", bool, description="검색어 속 조건 읽기 (기본 true)"),
    OpenApiParameter("page", int, description="페이지 번호 (1부터). 마지막 페이지를 넘으면 404"),
    OpenApiParameter("page_size", int, description="페이지당 항목 수 (기본 20, 최대 100)"),
]


def hit_data(hit) -> dict:
    entry = hit.entry
    return {
        "id": f"{entry.institution.slug}/{entry.kind}/{entry.key}",
        "type": entry.kind,
        "type_label": hit.type_label,
        "title": entry.title,
        "title_highlighted": hit.title_html,
        "snippet": hit.snippet_html,
        "institution": {"slug": entry.institution.slug, "name": entry.institution.name},
        "url": hit.link,
        "permalink": hit.permalink,
        "citation": hit.citation,
        "published_at": entry.published_at,
        "facility_kind": entry.facility_kind,
        "capacity": entry.capacity,
        "fee": entry.fee,
        "district": entry.district,
        "audience": entry.audience,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "closes_at": entry.closes_at,
        "score": round(entry.score, 6) if getattr(entry, "score", None) is not None else None,
    }


class SearchView(APIView):
    """Search everything every active institution publishes."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="portal_search",
        tags=["portal"],
        summary="통합 검색",
        description=(
            "모든 운영 중 기관의 시설·프로그램·공지·채용·페이지·경영공시·공개 문서·기관을 "
            "관련도 순으로 찾습니다. 제목 일치가 본문 일치보다, 정확한 일치가 부분 일치보다, "
            "최근 공지가 오래된 공지보다 앞섭니다. facets에 종류·기관·시설 종류·지역별 건수가 "
            "있습니다. 로그인 없이 쓸 수 있습니다."
        ),
        parameters=PARAMETERS,
        responses={200: SearchResponse, 400: ErrorSerializer, 404: ErrorSerializer},
        examples=[
            OpenApiExample(
                "빈 시설",
                value=None,
                request_only=True,
                description="?q=홀&capacity=100&free_from=2026-12-05T13:00&free_to=2026-12-05T18:00",
            )
        ],
        auth=[],
    )
    def get(self, request):
        params, errors = search.parse(request.query_params)
        if errors:
            raise exceptions.ValidationError(errors)
        result = search.run(params)
        if params.page > result.pages and params.page > 1:
            raise exceptions.NotFound(
                _("페이지 번호가 올바르지 않거나 마지막 페이지를 넘었습니다.")
            )
        return Response(
            {
                "count": result.count,
                "count_estimated": result.estimated,
                "facets_estimated": result.facets_estimated,
                "next": self._page_url(request, params.page + 1) if result.has_next else None,
                "previous": self._page_url(request, params.page - 1)
                if result.has_previous
                else None,
                "results": [hit_data(h) for h in result.hits],
                "facets": result.facets,
                "applied": {
                    "text": params.text,
                    "filters": [c["label"] for c in params.chips],
                    "relaxed": result.relaxed,
                },
            }
        )

    @staticmethod
    def _page_url(request, page: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(page)
        return apex_url(f"{request.path}?{query.urlencode()}")
