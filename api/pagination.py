"""Page-number pagination for every list: ?page=N&page_size=M.

Defaults to 20 items a page, at most MAX_PAGE_SIZE (a larger page_size is
lowered to it). The body is {"count", "next", "previous", "results"}; ``next``
and ``previous`` are absolute URLs or null. A page past the end answers 404.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N&page_size=M (at most MAX_PAGE_SIZE)."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = _("페이지 번호가 올바르지 않거나 마지막 페이지를 넘었습니다.")
    page_query_description = "페이지 번호 (1부터). 마지막 페이지를 넘으면 404"
    page_size_query_description = f"페이지당 항목 수 (기본 {DEFAULT_PAGE_SIZE}, 최대 {MAX_PAGE_SIZE}; 더 크면 {MAX_PAGE_SIZE})"

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
        return parameters
