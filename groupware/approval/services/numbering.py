"""생산등록번호: `<처리과명 or institution short name>-<serial>`, gapless per year, never reused.

The serial comes from one ``NumberCounter`` row per year, locked with
SELECT … FOR UPDATE inside the approving transaction: a rolled-back approval
rolls its serial back too (no gap), and two approvals queue on the row (no
duplicate). Lock order everywhere: the document first, then the counter.
"""

from django.utils import timezone

from groupware.approval.models import Document, NumberCounter
from institution.models import Setting

DEFAULT_FORMAT = "{dept}-{serial}"


def number_format() -> str:
    setting = Setting.objects.filter(key="approval").first()
    value = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    fmt = value.get("number_format") or DEFAULT_FORMAT
    return fmt if "{serial}" in fmt else DEFAULT_FORMAT


def number_prefix(document: Document, institution) -> str:
    department = document.department
    if department is not None:
        return department.document_prefix
    return institution.short_name or institution.name


def next_serial(year: int) -> int:
    """Take the next serial of ``year``. Precondition: inside transaction.atomic."""
    NumberCounter.objects.bulk_create([NumberCounter(year=year)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def issue_number(document: Document, institution) -> None:
    """Give the document its number and 시행일 (not saved). Caller holds the document lock."""
    today = timezone.localdate()
    serial = next_serial(today.year)
    prefix = number_prefix(document, institution)
    document.number_prefix = prefix
    document.number_year = today.year
    document.serial = serial
    try:
        document.number = number_format().format(dept=prefix, serial=serial, year=today.year)
    except (KeyError, IndexError, ValueError):
        document.number = DEFAULT_FORMAT.format(dept=prefix, serial=serial)
    document.enforced_on = today
