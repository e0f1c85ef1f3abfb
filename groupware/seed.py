"""Demo org chart: 본부 → 부 → 팀 with 20+ people, positions, ranks and some absences.

Runs inside the institution's schema; idempotent (natural keys everywhere).
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Membership, Role, User
from groupware.models import Absence, Department, Position, Rank, StaffProfile

POSITIONS = [
    ("이사장", 1),
    ("본부장", 2),
    ("부장", 3),
    ("팀장", 4),
    ("차장", 5),
    ("과장", 6),
    ("대리", 7),
    ("주임", 8),
    ("사원", 9),
]
RANKS = [("1급", 1), ("2급", 2), ("3급", 3), ("4급", 4), ("5급", 5), ("6급", 6), ("7급", 7)]

# (name, short name, kind, parent name, order, phone ext prefix)
DEPARTMENTS = [
    ("이사장실", "이사장실", Department.Kind.OFFICE, None, 0),
    ("경영지원본부", "경영지원본부", Department.Kind.HEADQUARTERS, None, 10),
    ("경영지원부", "경영지원부", Department.Kind.DIVISION, "경영지원본부", 11),
    ("기획예산팀", "기획예산팀", Department.Kind.TEAM, "경영지원부", 12),
    ("인사총무팀", "인사총무팀", Department.Kind.TEAM, "경영지원부", 13),
    ("사업본부", "사업본부", Department.Kind.HEADQUARTERS, None, 20),
    ("사업운영부", "사업운영부", Department.Kind.DIVISION, "사업본부", 21),
    ("사업기획팀", "사업기획팀", Department.Kind.TEAM, "사업운영부", 22),
    ("시설운영팀", "시설운영팀", Department.Kind.TEAM, "사업운영부", 23),
    ("대외협력부", "대외협력부", Department.Kind.DIVISION, "사업본부", 24),
    ("홍보협력팀", "홍보협력팀", Department.Kind.TEAM, "대외협력부", 25),
]

# Extra demo staff: (local part, name, department, position, rank, duties, head?)
EXTRA_STAFF = [
    ("chair", "조현우", "이사장실", "이사장", None, "기관 총괄", True),
    ("hq1", "서지민", "경영지원본부", "본부장", "1급", "경영지원 총괄", True),
    ("div1", "신동훈", "경영지원부", "부장", "2급", "경영지원부 총괄", True),
    ("gw01", "권나연", "기획예산팀", "과장", "4급", "예산 편성·집행", False),
    ("gw02", "황민재", "기획예산팀", "대리", "5급", "성과평가, 이사회 운영", False),
    ("gw03", "안수빈", "인사총무팀", "팀장", "3급", "인사·총무 총괄", True),
    ("gw04", "송재원", "인사총무팀", "차장", "4급", "급여, 복리후생", False),
    ("gw05", "전하은", "인사총무팀", "주임", "6급", "채용, 교육훈련", False),
    ("gw06", "홍성우", "인사총무팀", "사원", "7급", "차량·비품 관리", False),
    ("hq2", "유채원", "사업본부", "본부장", "1급", "사업 총괄", True),
    ("div2", "고태현", "사업운영부", "부장", "2급", "사업운영부 총괄", True),
    ("gw07", "문서윤", "사업기획팀", "팀장", "3급", "사업 기획 총괄", True),
    ("gw08", "양준서", "사업기획팀", "과장", "4급", "공모사업, 축제 기획", False),
    ("gw09", "손예진", "사업기획팀", "대리", "5급", "교육 프로그램 운영", False),
    ("gw10", "배지호", "시설운영팀", "대리", "5급", "대관 심사·정산", False),
    ("gw11", "백서현", "시설운영팀", "사원", "7급", "시설 안전점검", False),
    ("div3", "허민석", "대외협력부", "부장", "2급", "대외협력 총괄", True),
    ("gw12", "남궁연", "홍보협력팀", "팀장", "3급", "홍보 총괄, 언론 대응", True),
    ("gw13", "노유진", "홍보협력팀", "주임", "6급", "누리집·SNS 운영", False),
    ("gw14", "하정우", "홍보협력팀", "사원", "7급", "협약·후원 관리", False),
]

# Places for the people the demo world already has.
KNOWN_PLACES = {
    "admin": ("기획예산팀", "팀장", "3급", "기획·예산 총괄, 전자결재 관리", True),
    "facility": ("시설운영팀", "팀장", "3급", "시설 대관 총괄", True),
    "staff1": ("기획예산팀", "주임", "6급", "기획 업무, 문서 관리", False),
    "staff2": ("사업기획팀", "대리", "5급", "문화예술 사업 운영", False),
    "staff3": ("인사총무팀", "대리", "5급", "회계, 계약", False),
    "staff4": ("홍보협력팀", "사원", "7급", "홍보물 제작", False),
    "staff5": ("시설운영팀", "주임", "6급", "시설 예약 안내", False),
}


def demo_email(institution, local: str) -> str:
    """The demo staff member's address: ``<slug>.<local>@demo.kr`` (approval's seed uses it)."""
    return _email(institution, local)


def _email(institution, local: str) -> str:
    return f"{institution.slug}.{local}@demo.kr"


def _user(email: str, name: str) -> User:
    from suite.demo import DEMO_PASSWORD

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    return user


# Long because it is demo data written out (idempotent get-or-create, one item per line).
def seed_institution(*, institution, people) -> dict:
    positions = {
        name: Position.objects.get_or_create(name=name, defaults={"level": level})[0]
        for name, level in POSITIONS
    }
    ranks = {
        name: Rank.objects.get_or_create(name=name, defaults={"order": order})[0]
        for name, order in RANKS
    }
    departments: dict[str, Department] = {}
    for name, short, kind, parent, order in DEPARTMENTS:
        department = Department.objects.filter(name=name).first()
        if department is None:
            department = Department.objects.create(
                name=name,
                short_name=short,
                kind=kind,
                parent=departments.get(parent),
                order=order,
                phone=f"{institution.phone[:-2]}{order:02d}" if institution.phone else "",
            )
        departments[name] = department

    placed: dict[str, User] = {}
    extension = 100

    def place(user, dept, position, rank, duties, head):
        nonlocal extension
        extension += 1
        StaffProfile.objects.get_or_create(
            user=user,
            defaults={
                "department": departments[dept],
                "position": positions[position],
                "rank": ranks.get(rank) if rank else None,
                "duties": duties,
                "is_department_head": head,
                "extension": str(extension),
            },
        )

    for key, (dept, position, rank, duties, head) in KNOWN_PLACES.items():
        user = people.get(key)
        if user is not None:
            place(user, dept, position, rank, duties, head)
            placed[key] = user
    for local, name, dept, position, rank, duties, head in EXTRA_STAFF:
        user = _user(_email(institution, local), name)
        Membership.objects.get_or_create(
            user=user, institution=institution, defaults={"role": Role.STAFF}
        )
        place(user, dept, position, rank, duties, head)
        placed[local] = user

    # Some absences with deputies (대결), around today.
    now = timezone.localtime()
    day = now.replace(hour=9, minute=0, second=0, microsecond=0)
    absences = [
        (
            "div2",
            Absence.Kind.BUSINESS_TRIP,
            day,
            day + timedelta(days=2, hours=9),
            "hq2",
            "전국 문화시설 협의회 참석",
        ),
        (
            "gw04",
            Absence.Kind.LEAVE,
            day - timedelta(days=1),
            day + timedelta(days=1, hours=9),
            "gw05",
            "연차휴가",
        ),
        (
            "staff1",
            Absence.Kind.TRAINING,
            day + timedelta(days=3),
            day + timedelta(days=4, hours=9),
            "admin",
            "공문서 작성 교육",
        ),
        (
            "gw08",
            Absence.Kind.LEAVE,
            day + timedelta(days=7),
            day + timedelta(days=9, hours=9),
            "gw09",
            "가족 행사",
        ),
    ]
    for who, kind, start, end, deputy, reason in absences:
        user, deputy_user = placed.get(who), placed.get(deputy)
        if user is None:
            continue
        if (
            not Absence.objects.filter(user=user, reason=reason).exists()
            and not Absence.objects.filter(user=user, starts_at__lt=end, ends_at__gt=start).exists()
        ):
            Absence.objects.create(
                user=user,
                kind=kind,
                starts_at=start,
                ends_at=end,
                deputy=deputy_user,
                reason=reason,
            )
    return placed
