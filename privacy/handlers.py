"""The privacy app's own retention kinds: access records are kept two years at least."""

from django.utils.translation import gettext_lazy as _

from privacy.models import AccessRecord, DestructionRecord
from privacy.registry import RetentionKind, register_retention

ACCESS_RECORDS_MIN_DAYS = 730


def _destroy_access_records(*, cutoff, now) -> int:
    # The database trigger refuses deleting anything younger than two years, whatever
    # the setting says. The chain's new first row keeps its prev_hash as the anchor.
    old = AccessRecord.objects.filter(at__lt=min(cutoff, now - _two_years()))
    count = old.count()
    if count:
        old.delete()
    return count


def _two_years():
    import datetime as dt

    return dt.timedelta(days=ACCESS_RECORDS_MIN_DAYS)


def _destroy_destruction_records(*, cutoff, now) -> int:
    count, _ = DestructionRecord.objects.filter(created_at__lt=cutoff).delete()
    return count


for tenant in (True, False):
    register_retention(
        RetentionKind(
            key="access_records" if tenant else "platform_access_records",
            label=_("개인정보 접속기록"),
            default_days=ACCESS_RECORDS_MIN_DAYS,
            min_days=ACCESS_RECORDS_MIN_DAYS,
            destroy=_destroy_access_records,
            description=_("직원이 개인정보를 열람·검색·내보낸 기록. 법정 최소 2년 보관"),
            basis=_("기록일로부터"),
            tenant=tenant,
        )
    )
    register_retention(
        RetentionKind(
            key="destruction_records" if tenant else "platform_destruction_records",
            label=_("파기 기록"),
            default_days=365 * 5,
            min_days=365 * 3,
            destroy=_destroy_destruction_records,
            description=_("언제 무엇을 몇 건 파기했는지의 기록 (내용은 남지 않음)"),
            basis=_("파기일로부터"),
            tenant=tenant,
        )
    )
