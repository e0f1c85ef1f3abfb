"""The demo world: a culture foundation, a sports council, their staff and some residents.

Every function is idempotent (get-or-create by natural keys). Apps add their own demo
data through a ``seed.py`` with ``seed_institution(*, institution, people)``, registered
in their ``AppConfig.ready``::

    from suite.demo import register_seed
    from facility_booking.seed import seed_institution

    register_seed("facility_booking", seed_institution)

Seeds run in registration order (the order of INSTALLED_APPS), inside the institution's
schema; a seed that raises stops the run (nothing is skipped silently).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from accounts.models import Membership, Role, User
from suite.registry import Registry
from tenants.models import Institution, apex_url

DEMO_PASSWORD = "demo1234!"

INSTITUTIONS = [
    {
        "slug": "culture",
        "name": "한빛시 문화재단",
        "short_name": "한빛문화",
        "head_title": "한빛시 문화재단 이사장",
        "address": "한빛시 중앙로 120 문화예술회관",
        "postal_code": "34567",
        "phone": "042-123-4500",
        "fax": "042-123-4599",
        "email": "info@culture.hanbit.kr",
        "homepage": "https://culture.hanbit.kr",
    },
    {
        "slug": "sports",
        "name": "한빛시 체육회",
        "short_name": "한빛체육",
        "head_title": "한빛시 체육회장",
        "address": "한빛시 체육공원로 45 종합운동장",
        "postal_code": "34590",
        "phone": "042-987-6500",
        "fax": "042-987-6599",
        "email": "info@sports.hanbit.kr",
        "homepage": "https://sports.hanbit.kr",
    },
]

# (email local part, name, role) per institution
STAFF = {
    "culture": [
        ("admin", "김지현", Role.INSTITUTION_ADMIN),
        ("facility", "이민호", Role.FACILITY_MANAGER),
        ("staff1", "박서연", Role.STAFF),
        ("staff2", "최준호", Role.STAFF),
        ("staff3", "정하늘", Role.STAFF),
        ("staff4", "강예린", Role.STAFF),
    ],
    "sports": [
        ("admin", "윤성민", Role.INSTITUTION_ADMIN),
        ("facility", "장미경", Role.FACILITY_MANAGER),
        ("staff1", "임도윤", Role.STAFF),
        ("staff2", "한지우", Role.STAFF),
        ("staff3", "오세훈", Role.STAFF),
    ],
}

RESIDENTS = [
    ("resident1@demo.kr", "홍길동", "010-1111-2222"),
    ("resident2@demo.kr", "김영희", "010-3333-4444"),
    ("resident3@demo.kr", "이철수", "010-5555-6666"),
]

OPERATOR = ("operator@demo.kr", "플랫폼 운영자")


def staff_email(slug: str, local: str) -> str:
    return f"{slug}.{local}@demo.kr"


def _user(email: str, name: str, phone: str = "", **extra) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, name=name, phone=phone, **extra
        )
    return user


def seed_platform() -> dict:
    """Operator, institutions, staff and residents. Returns people per institution slug."""
    from tenants.services import institution_onboard

    _user(OPERATOR[0], OPERATOR[1], is_staff=True, is_superuser=True)
    people: dict[str, dict] = {}
    for data in INSTITUTIONS:
        institution = Institution.objects.filter(slug=data["slug"]).first()
        if institution is None:
            institution_onboard(actor=None, reason="demo", **data)
            institution = Institution.objects.get(slug=data["slug"])
        staff = {}
        for local, name, role in STAFF[data["slug"]]:
            user = _user(staff_email(data["slug"], local), name)
            Membership.objects.get_or_create(
                user=user, institution=institution, defaults={"role": role}
            )
            staff[local] = user
        staff["residents"] = [_user(*r) for r in RESIDENTS]
        people[data["slug"]] = staff
    return people


def demo_institutions():
    return list(
        Institution.objects.filter(slug__in=[d["slug"] for d in INSTITUTIONS]).order_by("slug")
    )


@dataclass(frozen=True)
class DemoSeed:
    """What an app's demo seed gets: the institution (its schema is the current one) and
    the demo people of that institution (``{"admin": User, "residents": [...], ...}``)."""

    institution: Institution
    people: dict[str, Any]


SeedFunction = Callable[..., None]  # seed_institution(*, institution, people)

demo_seeds: Registry[DemoSeed, None] = Registry("suite.demo_seeds")


def register_seed(key: str, seed_institution: SeedFunction) -> None:
    """Called from an app's ``AppConfig.ready``: its ``seed_institution`` joins the demo."""

    def receiver(seed: DemoSeed) -> None:
        seed_institution(institution=seed.institution, people=seed.people)

    receiver.__name__ = f"seed_{key}"
    demo_seeds.register(key, receiver)


def app_seed_hooks() -> list[SeedFunction]:
    """Every registered ``seed_institution``, in registration order, called as
    ``hook(institution=…, people=…)`` inside the institution's schema."""
    return [_keywords(receiver) for receiver in demo_seeds.receivers()]


def _keywords(receiver: Callable[[DemoSeed], None]) -> SeedFunction:
    def hook(*, institution: Institution, people: dict[str, Any]) -> None:
        receiver(DemoSeed(institution=institution, people=people))

    return hook


def summary_text(settings_module=settings) -> str:
    lines = [
        "",
        "=" * 64,
        "Agency Cloud Suite — demo is ready",
        "=" * 64,
        f"  포털 (portal):       {apex_url('/')}",
    ]
    for institution in demo_institutions():
        lines.append(f"  {institution.name}: {institution.absolute_url('/')}")
    lines += [
        f"  플랫폼 콘솔:         {apex_url('/console/')}",
        f"  API 문서:            {apex_url('/api/docs/')}",
        "",
        f"  Demo logins (password for all: {DEMO_PASSWORD})",
        f"    platform operator     {OPERATOR[0]}",
    ]
    for slug, staff in STAFF.items():
        for local, _name, role in staff[:2]:
            lines.append(f"    {slug:<8} {Role(role).label:<10} {staff_email(slug, local)}")
        lines.append(
            f"    {slug:<8} 직원        {staff_email(slug, 'staff1')} … staff{len(staff) - 2}"
        )
    lines.append(f"    residents             {', '.join(r[0] for r in RESIDENTS)}")
    lines.append("=" * 64)
    return "\n".join(lines) + "\n"
