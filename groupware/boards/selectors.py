"""Boards, posts and files as the asking person may see them: what they may not read
answers the same 404 as what does not exist."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import access
from groupware.boards.models import Attachment, Board, Post
from groupware.boards.permissions import can_read_board
from groupware.public import department_chain_of


def readable_boards(user, institution):
    """Active boards the person may read (one query for the chain, one for the boards)."""
    if not access.is_member(user, institution):
        return Board.objects.none()
    boards = Board.objects.filter(is_active=True)
    if access.is_institution_admin(user, institution):
        return boards
    return boards.filter(
        Q(read_access=Board.ReadAccess.MEMBERS) | Q(department_id__in=department_chain_of(user))
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
    access.require_member(user, institution)
    if not can_read_board(user, institution, post.board):
        raise Http404
    return attachment
