"""Filters of the boards API's post list (django-filter, on api.filtersets)."""

import django_filters

from api.filtersets import BooleanFilter, FilterSet, IdFilter
from groupware.boards.search import search_posts
from groupware.boards.selectors import board_for


class PostFilterSet(FilterSet):
    board = IdFilter(method="on_board", help_text="게시판 id (읽을 수 없으면 404)")
    q = django_filters.CharFilter(method="search", max_length=100, help_text="제목·본문 검색")
    important = BooleanFilter(
        field_name="is_important", help_text="중요 공지만 (true) / 제외 (false)"
    )

    def on_board(self, queryset, name, value):
        board = board_for(self.request.user, self.request.institution, value)
        return queryset.filter(board=board)

    def search(self, queryset, name, value):
        return search_posts(queryset, value or "")
