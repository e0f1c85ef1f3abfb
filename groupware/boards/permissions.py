"""Board capabilities: read and post rights come from the board's own settings.

A board (post, file) the person may not read answers the same 404 as one that
does not exist; one they read but may not post to or change answers 403.
"""

from accounts import access
from groupware.boards.models import Board, Post
from groupware.public import department_chain_of


def _in_department(user, board: Board) -> bool:
    return board.department_id is not None and board.department_id in department_chain_of(user)


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
