"""Board capabilities: read and post rights come from the board's own settings.

A board (post, file) the person may not read answers the same 404 as one that
does not exist; one they read but may not post to or change answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import access
from groupware.boards.models import Attachment, Board, Post


def _department_chain(user) -> list[int]:
    from groupware.schedule.access import _user_department_chain

    return _user_department_chain(user)


def _in_department(user, board: Board) -> bool:
    return board.department_id is not None and board.department_id in _department_chain(user)


def can_read_board(user, institution, board: Board) -> bool:
    if not access.is_member(user, institution) or not board.is_active:
        return False
    if board.read_access == Board.ReadAccess.MEMBERS:
        return True
    return access.is_institution_admin(user, institution) or _in_department(user, board)


def can_post(user, institution, board: Board) -> bool:
    if not can_read_board(user, institution, board):
        return False
    if access.is_institution_admin(user, institution):
        return True
    if board.write_access == Board.WriteAccess.MEMBERS:
        return True
    if board.write_access == Board.WriteAccess.DEPARTMENT:
        return _in_department(user, board)
    return False


def can_edit_post(user, institution, post: Post) -> bool:
    """The author (while they may still post there) and admins."""
    if access.is_institution_admin(user, institution):
        return can_read_board(user, institution, post.board)
    return post.author_id == user.pk and can_post(user, institution, post.board)


def can_mark_important(user, institution, board: Board) -> bool:
    """Important / pinned / public notices: admins, or anyone allowed on an admins-only board."""
    return access.is_institution_admin(user, institution)


def can_see_readers(user, institution, post: Post) -> bool:
    return access.is_institution_admin(user, institution) or post.author_id == user.pk


def can_manage_boards(user, institution) -> bool:
    return access.is_institution_admin(user, institution)


def readable_boards(user, institution):
    """Active boards the person may read (one query for the chain, one for the boards)."""
    if not access.is_member(user, institution):
        return Board.objects.none()
    boards = Board.objects.filter(is_active=True)
    if access.is_institution_admin(user, institution):
        return boards
    return boards.filter(
        Q(read_access=Board.ReadAccess.MEMBERS) | Q(department_id__in=_department_chain(user))
    )


def board_for(user, institution, pk) -> Board:
    """The active board the person may read, else 404."""
    board = Board.objects.filter(pk=pk, is_active=True).select_related("department").first()
    if board is None or not can_read_board(user, institution, board):
        raise Http404
    return board


def post_for(user, institution, pk) -> Post:
    """A live post on a board the person may read, else 404."""
    post = (
        Post.objects.live()
        .filter(pk=pk, board__is_active=True)
        .select_related("board", "board__department", "author")
        .first()
    )
    if post is None or not can_read_board(user, institution, post.board):
        raise Http404
    return post


def public_notice(pk) -> Post:
    """A notice marked public, for anyone (residents, anonymous); else 404."""
    post = (
        Post.objects.live()
        .filter(pk=pk, is_public=True, board__kind=Board.Kind.NOTICE, board__is_active=True)
        .select_related("board", "author")
        .first()
    )
    if post is None:
        raise Http404
    return post


def attachment_for(user, institution, pk) -> Attachment:
    """Members who may read the board (others 404); anyone for a public notice's files."""
    attachment = (
        Attachment.objects.filter(pk=pk, post__is_deleted=False)
        .select_related("post", "post__board")
        .first()
    )
    if attachment is None:
        raise Http404
    post = attachment.post
    if post.is_public and post.board.kind == Board.Kind.NOTICE and post.board.is_active:
        return attachment
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    access.refuse_outsider(user, institution)
    if not can_read_board(user, institution, post.board):
        raise Http404
    return attachment
