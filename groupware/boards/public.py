"""boards' public face.

- ``home_section(request)`` — the institution's public home shows the latest public
  notices;
- ``public_notices()`` — every public notice (the portal's index and the site's
  notice pages read these); ``Board`` and ``Post``;
- ``readable_boards(user)`` — the boards the person may read (the staff dashboard's
  latest posts).
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from groupware.boards.models import Board, Post
from groupware.boards.selectors import readable_boards


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


def public_notices():
    """Posts anyone may read: not deleted, marked public, on an active notice board."""
    return Post.objects.filter(
        is_deleted=False, is_public=True, board__kind=Board.Kind.NOTICE, board__is_active=True
    )


__all__ = ["Board", "Post", "home_section", "public_notices", "readable_boards"]
