"""Demo boards: 공지사항 (with a pinned, an important and public notices), 자유게시판,
department boards, with posts and comments. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from groupware.boards import services
from groupware.boards.models import Board, Comment, Post, PostRead
from groupware.models import Department, StaffProfile

NOTICES = [
    (
        "2027년도 예산 편성 지침 안내",
        "각 부서는 <strong>12월 10일까지</strong> 예산 요구서를 제출해 주세요.\n\n붙임 양식을 사용하고, 전년 대비 증감 사유를 꼭 적어 주세요.",
        True,
        False,
        14,
    ),
    (
        "연말 시설 안전점검 일정",
        "12월 첫째 주에 전 시설 안전점검이 있습니다. 점검 시간에는 대관이 제한됩니다.",
        True,
        True,
        0,
    ),
    (
        "동절기 시설 운영시간 변경 안내",
        "12월부터 2월까지 시설 운영시간이 09:00–21:00로 바뀝니다.\n\n이용에 참고해 주시기 바랍니다.",
        False,
        True,
        0,
    ),
    (
        "개인정보 보호 교육 이수 안내",
        "전 직원은 이달 말까지 온라인 개인정보 보호 교육을 이수해 주세요.",
        True,
        False,
        0,
    ),
    (
        "전자결재 시스템 이용 안내",
        "결재 대기 문서는 업무 홈에서 바로 확인할 수 있습니다. 부재 시에는 부재·대결 메뉴에서 대결자를 지정해 주세요.",
        False,
        False,
        0,
    ),
    (
        "청사 주차장 도색 공사 안내",
        "이번 주 토요일 주차장 도색 공사로 주차가 제한됩니다.",
        False,
        False,
        0,
    ),
]
FREE_POSTS = [
    ("점심 맛집 추천 받아요", "청사 근처 새로 생긴 국숫집 가 보신 분 계신가요?"),
    (
        "사내 동호회(등산) 회원 모집",
        "매월 셋째 주 토요일 가까운 산에 갑니다. 관심 있는 분 댓글 남겨 주세요.",
    ),
    ("분실물: 검정 우산", "3층 회의실에 검정 장우산을 두고 가신 분 찾아가세요."),
]
DEPARTMENT_POSTS = [
    "주간 업무 보고 취합 안내",
    "부서 회의 자료 공유",
]


# Long because it is demo data written out (idempotent get-or-create, one item per line).
def seed_institution(*, institution, people) -> None:
    admin = people.get("admin")
    if admin is None:
        return
    notice, _ = Board.objects.get_or_create(
        name="공지사항",
        defaults={
            "kind": Board.Kind.NOTICE,
            "description": "기관 전체 공지",
            "write_access": Board.WriteAccess.ADMINS,
            "allow_comments": False,
            "order": 0,
        },
    )
    free, _ = Board.objects.get_or_create(
        name="자유게시판",
        defaults={"kind": Board.Kind.FREE, "description": "자유롭게 이야기해요", "order": 90},
    )
    now = timezone.now()
    for title, body, important, public, pin_days in NOTICES:
        if Post.objects.filter(board=notice, title=title).exists():
            continue
        services.post_create(
            actor=admin,
            institution=institution,
            board=notice,
            title=title,
            body=body,
            is_important=important,
            is_public=public,
            pinned_until=now + timedelta(days=pin_days) if pin_days else None,
        )
    authors = [people.get(k) for k in ("staff1", "staff2", "staff3", "facility") if people.get(k)]
    for i, (title, body) in enumerate(FREE_POSTS):
        if Post.objects.filter(board=free, title=title).exists():
            continue
        author = authors[i % len(authors)] if authors else admin
        post = services.post_create(
            actor=author, institution=institution, board=free, title=title, body=body
        )
        for commenter in authors[:2]:
            if commenter.pk != author.pk:
                Comment.objects.create(
                    post=post, author=commenter, body="좋아요! 저도 관심 있습니다."
                )
    for order, dept_name in enumerate(("기획예산팀", "시설운영팀", "경영지원부"), start=10):
        department = Department.objects.filter(name=dept_name).first()
        if department is None:
            continue
        board, _ = Board.objects.get_or_create(
            name=f"{dept_name} 게시판",
            defaults={
                "kind": Board.Kind.DEPARTMENT,
                "department": department,
                "read_access": Board.ReadAccess.DEPARTMENT,
                "write_access": Board.WriteAccess.DEPARTMENT,
                "order": order,
                "description": f"{dept_name} 구성원 전용",
            },
        )
        member = StaffProfile.objects.filter(department=department).select_related("user").first()
        author = member.user if member else admin
        for title in DEPARTMENT_POSTS:
            if not Post.objects.filter(board=board, title=title).exists():
                services.post_create(
                    actor=author,
                    institution=institution,
                    board=board,
                    title=title,
                    body=f"{dept_name} 구성원은 확인 부탁드립니다.",
                )
    # a few reads so read counts and reader lists are not empty
    for post in Post.objects.filter(board=notice, is_important=True)[:2]:
        for reader in authors[:2]:
            if not PostRead.objects.filter(post=post, user=reader).exists():
                services.post_mark_read(actor=reader, post=post)
