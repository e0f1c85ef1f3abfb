"""Demo content of each institution's public site: 기관소개 (greeting, history,
location), 사업안내, an information page, a job posting, disclosures, and the
approved 공개 documents published as 원문정보공개. Idempotent (by slug / title)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from website import services
from website.models import Disclosure, JobPosting, OpenDocument, Page, SiteSettings

SITES = {
    "culture": {
        "tagline": "시민 누구나 문화를 누리는 도시, 한빛시 문화재단입니다.",
        "district": "중구",
        "transit": "지하철 1호선 시청역 3번 출구에서 도보 5분\n시내버스 102, 305번 문화예술회관 정류장 하차",
        "business": [
            (
                "arts-education",
                "문화예술교육 사업",
                "어린이부터 어르신까지 생애주기별 문화예술교육을 운영합니다.\n\n도자기·회화·합창 등 50여 개 강좌를 연중 운영합니다.",
            ),
            ("festival", "한빛 문화축제", "매년 가을 중앙광장에서 시민 참여형 문화축제를 엽니다."),
        ],
        "job": ("2026년 문화기획 분야 계약직 직원 채용", "문화예술팀", "contract"),
    },
    "sports": {
        "tagline": "생활체육으로 건강한 한빛시를 만듭니다.",
        "district": "서구",
        "transit": "시내버스 201, 707번 종합운동장 정류장 하차\n주차: 종합운동장 북측 주차장 이용",
        "business": [
            (
                "community-sports",
                "생활체육 지원 사업",
                "동호인 리그와 생활체육 교실을 지원합니다.\n\n배드민턴·탁구·풋살 리그를 운영합니다.",
            ),
            ("elite-sports", "전문체육 육성", "시 대표 선수단의 훈련과 대회 참가를 지원합니다."),
        ],
        "job": ("생활체육지도자 기간제 채용", "생활체육팀", "fixed_term"),
    },
}


def _page(admin, institution, slug, section, title, body, order=0):
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        page = services.page_save(
            actor=admin,
            institution=institution,
            section=section,
            title=title,
            body=body,
            slug=slug,
            order=order,
        )
        services.page_publish(actor=admin, institution=institution, page=page)
    return page


def seed_institution(*, institution, people) -> None:
    admin = people.get("admin")
    data = SITES.get(institution.slug)
    if admin is None or data is None:
        return
    if not SiteSettings.objects.exists():
        services.settings_save(
            actor=admin,
            institution=institution,
            tagline=data["tagline"],
            district=data["district"],
            transit=data["transit"],
        )
    _page(
        admin,
        institution,
        "greeting",
        "about",
        "인사말",
        f"안녕하십니까. {institution.name} 홈페이지를 찾아 주셔서 감사합니다.\n\n시민 여러분과 함께하는 기관이 되겠습니다.",
        1,
    )
    _page(
        admin,
        institution,
        "history",
        "about",
        "연혁",
        "2015. 3. 기관 설립\n2019. 9. 시민 참여 프로그램 100개 돌파\n2024. 5. 통합 예약 서비스 개시",
        2,
    )
    _page(
        admin,
        institution,
        "location",
        "about",
        "찾아오시는 길",
        f"{institution.address}\n\n대중교통 이용을 권장합니다.",
        3,
    )
    for n, (slug, title, body) in enumerate(data["business"], start=1):
        _page(admin, institution, f"{institution.slug}-{slug}", "business", title, body, n)
    _page(
        admin,
        institution,
        f"{institution.slug}-privacy-guide",
        "info",
        "시설 이용 안내",
        "시설 대관은 온라인으로 신청하고 승인 후 결제합니다.\n\n문의는 대표 전화로 해 주세요.",
        1,
    )

    title, department, kind = data["job"]
    if not JobPosting.objects.filter(title=title).exists():
        now = timezone.now()
        job = services.job_save(
            actor=admin,
            institution=institution,
            title=title,
            department=department,
            employment_type=kind,
            positions=2,
            opens_at=now - dt.timedelta(days=2),
            closes_at=now + dt.timedelta(days=12),
            body="<p>자격: 관련 분야 경력 1년 이상</p><p>근무: 주 5일, 09:00–18:00</p>",
            how_to_apply="이메일 접수 (응시원서 양식 첨부)",
            contact=institution.phone,
        )
        services.job_publish(actor=admin, institution=institution, job=job)
    for category, title in (
        ("budget", "2026년도 예산 공시"),
        ("general", "기관 일반현황"),
        ("prior", "사전정보공표 목록"),
    ):
        if not Disclosure.objects.filter(title=title).exists():
            item = services.disclosure_save(
                actor=admin,
                institution=institution,
                category=category,
                title=title,
                year=timezone.localdate().year,
                body=f"{institution.name}의 {title}입니다.",
            )
            services.disclosure_publish(actor=admin, institution=institution, disclosure=item)
    _open_documents(admin, institution)


def _open_documents(admin, institution) -> None:
    from groupware.approval.public import Disclosure as DocDisclosure
    from groupware.approval.public import Document, State

    published = set(OpenDocument.objects.values_list("document_id", flat=True))
    for document in Document.objects.filter(
        state=State.APPROVED, disclosure=DocDisclosure.PUBLIC
    ).order_by("id")[:3]:
        if document.pk not in published:
            services.open_document_publish(actor=admin, institution=institution, document=document)
