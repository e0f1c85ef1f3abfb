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


def test_each_year_has_its_own_counter(org):
    with transaction.atomic():
        assert next_serial(2031) == 1
        assert next_serial(2031) == 2
        assert next_serial(2032) == 1
    assert dict(
        NumberCounter.objects.filter(year__in=(2031, 2032)).values_list("year", "last_serial")
    ) == {
        2031: 2,
        2032: 1,
    }


def test_numbers_are_unique_in_the_database(org):
    import pytest
    from django.db import IntegrityError

    doc = approve_all(org, submitted(org))
    other = submitted(org, title="다른 문서")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(other).objects.filter(pk=other.pk).update(
            number=doc.number, serial=doc.serial, number_year=doc.number_year
        )
