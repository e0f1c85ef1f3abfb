"""The test world: institutions A and B with an admin, a facility manager and staff
each, a resident and the platform operator. Built once per test run."""

from dataclasses import dataclass

from django.conf import settings

from accounts.models import Membership, Role, User
from tenants.models import Domain, Institution
from tenants.provisioning import ensure_template_schema

PASSWORD = "test-pass-1234"

INSTITUTIONS = {
    "inst_a": {"slug": "testa", "name": "가나시 문화재단", "short_name": "가나문화"},
    "inst_b": {"slug": "testb", "name": "다라시 체육회", "short_name": "다라체육"},
}

PEOPLE = {
    # attribute: (email, name, institution key or None, role)
    "admin_a": ("admin.a@test.kr", "관리자에이", "inst_a", Role.INSTITUTION_ADMIN),
    "manager_a": ("manager.a@test.kr", "시설에이", "inst_a", Role.FACILITY_MANAGER),
    "staff_a": ("staff.a@test.kr", "직원에이", "inst_a", Role.STAFF),
    "staff_a2": ("staff.a2@test.kr", "직원에이둘", "inst_a", Role.STAFF),
    "admin_b": ("admin.b@test.kr", "관리자비", "inst_b", Role.INSTITUTION_ADMIN),
    "manager_b": ("manager.b@test.kr", "시설비", "inst_b", Role.FACILITY_MANAGER),
    "staff_b": ("staff.b@test.kr", "직원비", "inst_b", Role.STAFF),
    "resident": ("resident@test.kr", "주민", None, None),
    "resident2": ("resident2@test.kr", "주민둘", None, None),
    "operator": ("operator@test.kr", "운영자", None, "operator"),
}


def build_world() -> None:
    """Create the template schema, both institutions and the people (idempotent)."""
    from tenants.services import institution_onboard

    ensure_template_schema()
    for data in INSTITUTIONS.values():
        if not Institution.objects.filter(slug=data["slug"]).exists():
            institution_onboard(actor=None, **data)
    for email, name, inst_key, role in PEOPLE.values():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=PASSWORD,
                name=name,
                is_superuser=role == "operator",
                is_staff=role == "operator",
            )
        if inst_key:
            institution = Institution.objects.get(slug=INSTITUTIONS[inst_key]["slug"])
            Membership.objects.get_or_create(
                user=user, institution=institution, defaults={"role": role}
            )


@dataclass
class World:
    inst_a: Institution
    inst_b: Institution
    admin_a: User
    manager_a: User
    staff_a: User
    staff_a2: User
    admin_b: User
    manager_b: User
    staff_b: User
    resident: User
    resident2: User
    operator: User

    @classmethod
    def load(cls) -> "World":
        institutions = {k: Institution.objects.get(slug=v["slug"]) for k, v in INSTITUTIONS.items()}
        users = {k: User.objects.get(email=v[0]) for k, v in PEOPLE.items()}
        return cls(**institutions, **users)


def host_of(institution: Institution) -> str:
    return (
        Domain.objects.get(tenant=institution, is_primary=True).domain
        or f"{institution.slug}.{settings.SUITE_DOMAIN}"
    )
