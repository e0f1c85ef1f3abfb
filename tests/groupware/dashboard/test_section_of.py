"""Section.of reads one row past the block's size instead of counting: the dashboard costs
the same number of queries whether a block is full or not (issue 18)."""

import pytest

from accounts.models import User
from groupware.dashboard.sections import Section

pytestmark = pytest.mark.django_db


def test_a_full_block_says_more_without_counting(world, django_assert_num_queries):
    rows = User.objects.order_by("pk")
    total = rows.count()
    assert total > 3
    with django_assert_num_queries(1):
        section = Section.of(rows, 3, "/x/")
    assert [u.pk for u in section.items] == [u.pk for u in rows[:3]]
    assert (section.count, section.more, section.url) == (3, True, "/x/")


def test_a_block_with_room_counts_exactly(world, django_assert_num_queries):
    rows = User.objects.order_by("pk")
    total = rows.count()
    with django_assert_num_queries(1):
        section = Section.of(rows, total, "")
    assert (section.count, section.more, len(section.items)) == (total, False, total)
    with django_assert_num_queries(1):
        section = Section.of(rows, total + 5, "")
    assert (section.count, section.more) == (total, False)
