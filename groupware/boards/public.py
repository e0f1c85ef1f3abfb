"""boards' public face: the institution's public home shows the latest public notices."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from groupware.boards.models import Board, Post


def home_section(request):
    """{"title", "html"} with the latest public notices, or None when there are none."""
    posts = list(
        Post.objects.live()
        .filter(is_public=True, board__kind=Board.Kind.NOTICE, board__is_active=True)
        .order_by("-created_at")[:5]
    )
    if not posts:
        return None
    html = render_to_string("boards/_public_list.html", {"posts": posts}, request=request)
    return {"title": _("공지사항"), "html": html}
