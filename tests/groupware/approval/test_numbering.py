"""생산등록번호: prefix from the drafting department (or the institution), per-year serials."""

from django.db import transaction

from groupware.approval.models import NumberCounter
from groupware.approval.services.numbering import next_serial
from groupware.models import StaffProfile
from institution.models import Setting
from tests.groupware.approval.conftest import approve_all, submitted


def test_number_uses_the_department_short_name_and_counts_up(org):
    first = approve_all(org, submitted(org))
    second = approve_all(org, submitted(org, title="두 번째 문서"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == ("문화예술팀-1", "문화예술팀-2")
    assert first.enforced_on is not None and first.number_year == first.enforced_on.year


def test_without_a_department_the_institution_short_name(org):
    StaffProfile.objects.filter(user=org.drafter).update(department=None)
    doc = approve_all(org, submitted(org))
    doc.refresh_from_db()
    assert doc.number == "가나문화-1"


def test_the_institution_number_format_is_honoured(org):
    Setting.objects.update_or_create(
        key="approval", defaults={"value": {"number_format": "{dept}-{year}-{serial}"}}
    )
    doc = approve_all(org, submitted(org))
    doc.refresh_from_db()
    assert doc.number == f"문화예술팀-{doc.number_year}-1"


def test_each_department_and_year_has_its_own_counter(org):
    from groupware.models import Department

    other = Department.objects.create(name="홍보팀", short_name="홍보팀")
    with transaction.atomic():
        assert next_serial(org.team, 2031) == 1
        assert next_serial(org.team, 2031) == 2
        assert next_serial(other, 2031) == 1  # another register
        assert next_serial(org.team, 2032) == 1  # a new year
        assert next_serial(None, 2031) == 1  # the institution's own register
    counters = NumberCounter.objects.filter(year__in=(2031, 2032))
    assert sorted(counters.values_list("department_id", "year", "last_serial"), key=str) == sorted(
        [(org.team.pk, 2031, 2), (other.pk, 2031, 1), (org.team.pk, 2032, 1), (None, 2031, 1)],
        key=str,
    )


def test_departments_number_separately_and_the_register_keeps_both(org):
    from groupware.approval.models import RegisterEntry
    from groupware.models import Department

    other = Department.objects.create(name="홍보팀", short_name="홍보팀")
    first = approve_all(org, submitted(org))
    StaffProfile.objects.filter(user=org.drafter).update(department=other)
    second = approve_all(org, submitted(org, title="홍보팀 문서"))
    third = approve_all(org, submitted(org, title="홍보팀 두 번째 문서"))
    for doc in (first, second, third):
        doc.refresh_from_db()
    assert (first.number, second.number, third.number) == ("문화예술팀-1", "홍보팀-1", "홍보팀-2")
    rows = RegisterEntry.objects.filter(document__in=[first, second, third]).order_by("pk")
    assert [(r.department_id, r.serial, r.kind) for r in rows] == [
        (org.team.pk, 1, "produced"),
        (other.pk, 1, "produced"),
        (other.pk, 2, "produced"),
    ]
    assert rows[0].title == first.title and rows[0].retention_until == first.number_year + 5


def test_numbers_are_unique_in_the_database(org):
    import pytest
    from django.db import IntegrityError

    doc = approve_all(org, submitted(org))
    other = submitted(org, title="다른 문서")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(other).objects.filter(pk=other.pk).update(
            number=doc.number, serial=doc.serial, number_year=doc.number_year
        )
