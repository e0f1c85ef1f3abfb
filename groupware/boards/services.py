"""The write path of boards: posts, attachments, comments, reads, public notices."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import linebreaks, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupware.boards import permissions as board_access
from groupware.boards.models import Attachment, Board, Comment, Post, PostRead
from institution.audit import audit_record
from portal import public as portal
from suite.richtext import clean_html, looks_like_html
from suite.uploads import attachment_fields, check_attachments

ERRORS = {
    "title_required": gettext_lazy("제목을 입력해 주세요."),
    "title_too_long": gettext_lazy("제목은 200자 이내로 입력해 주세요."),
    "comment_required": gettext_lazy("댓글 내용을 입력해 주세요."),
    "comments_closed": gettext_lazy("이 게시판은 댓글을 받지 않습니다."),
    "pin_past": gettext_lazy("상단 고정 종료 시각은 지금보다 뒤여야 합니다."),
    "public_notice_only": gettext_lazy("외부 공개는 공지사항 게시판의 글만 할 수 있습니다."),
    "name_required": gettext_lazy("게시판 이름을 입력해 주세요."),
    "name_taken": gettext_lazy("같은 이름의 게시판이 이미 있습니다."),
    "department_required": gettext_lazy("부서 권한을 쓰려면 부서를 선택해 주세요."),
}


def sanitize_body(body: str) -> str:
    """Rich text from the editor, or plain text (line breaks kept), made safe (suite.richtext)."""
    body = (body or "").strip()
    if not looks_like_html(body):
        body = linebreaks(body)  # escapes the text, wraps paragraphs
    return clean_html(body)


def summary_of(post: Post, length: int = 120) -> str:
    return Truncator(" ".join(strip_tags(post.body).split())).chars(length)


def _check_title(title) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ERRORS["title_required"]})
    if len(title) > 200:
        raise ValidationError({"title": ERRORS["title_too_long"]})
    return title


def _flags(*, actor, institution, board, is_important, is_public, pinned_until):
    special = is_important or is_public or pinned_until is not None
    if special and not board_access.can_mark_important(actor, institution, board):
        raise PermissionDenied
    if is_public and board.kind != Board.Kind.NOTICE:
        raise ValidationError({"is_public": ERRORS["public_notice_only"]})
    if pinned_until is not None and pinned_until <= timezone.now():
        raise ValidationError({"pinned_until": ERRORS["pin_past"]})


def _sync_portal(institution, post: Post) -> None:
    """After commit the portal re-reads the post (its notice source decides: public notices
    are indexed, anything else withdrawn); links are built when shown, never stored."""
    portal.changed(kind="notice", key=post.pk, institution=institution)


def _save_files(post: Post, files) -> None:
    for f in files or []:
        Attachment.objects.create(post=post, file=f, **attachment_fields(f))


@transaction.atomic
def post_create(
    *,
    actor,
    institution,
    board: Board,
    title: str,
    body: str = "",
    is_important: bool = False,
    is_public: bool = False,
    pinned_until=None,
    files=(),
) -> Post:
    """Write a post; flags (important, public, pinned) need the notice right."""
    if not board_access.can_post(actor, institution, board):
        raise PermissionDenied
    title = _check_title(title)
    _flags(
        actor=actor,
        institution=institution,
        board=board,
        is_important=is_important,
        is_public=is_public,
        pinned_until=pinned_until,
    )
    files = check_attachments(files)
    post = Post.objects.create(
        board=board,
        title=title,
        body=sanitize_body(body),
        author=actor,
        is_important=is_important,
        is_public=is_public,
        pinned_until=pinned_until,
    )
    _save_files(post, files)
    _sync_portal(institution, post)
    audit_record(
        actor=actor,
        action="post.create",
        target=post,
        summary=_("게시글 작성: [%(board)s] %(title)s") % {"board": board.name, "title": title},
    )
    return post


@transaction.atomic
def post_update(
    *, actor, institution, post: Post, files=(), remove_attachments=(), **changes
) -> Post:
    """Edit a post (title, body, flags); add or remove attachments."""
    post = Post.objects.select_for_update().select_related("board").get(pk=post.pk)
    if post.is_deleted or not board_access.can_edit_post(actor, institution, post):
        raise PermissionDenied
    unknown = set(changes) - {"title", "body", "is_important", "is_public", "pinned_until"}
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    title = _check_title(changes.get("title", post.title))
    # the edit form shows the pin's end to the minute: the same minute sent back is no change
    # (else fixing a typo in a post whose pin has ended would be refused as "a pin in the past")
    pin, current = changes.get("pinned_until"), post.pinned_until
    if (
        pin is not None
        and current is not None
        and pin.replace(second=0, microsecond=0) == current.replace(second=0, microsecond=0)
    ):
        changes["pinned_until"] = post.pinned_until
    flags = {
        k: changes.get(k, getattr(post, k)) for k in ("is_important", "is_public", "pinned_until")
    }
    changed_flags = {k: v for k, v in flags.items() if v != getattr(post, k)}
    if changed_flags:
        _flags(
            actor=actor,
            institution=institution,
            board=post.board,
            is_important=bool(changed_flags.get("is_important")),
            is_public=bool(changed_flags.get("is_public")),
            pinned_until=changed_flags.get("pinned_until"),
        )
    remaining = post.attachments.exclude(pk__in=list(remove_attachments or [])).count()
    files = check_attachments(files, existing=remaining)
    post.title = title
    if "body" in changes:
        post.body = sanitize_body(changes["body"])
    for key, value in flags.items():
        setattr(post, key, value)
    post.save()
    for attachment in post.attachments.filter(pk__in=list(remove_attachments or [])):
        stored = attachment.file
        attachment.delete()
        transaction.on_commit(partial(stored.delete, save=False))
    _save_files(post, files)
    _sync_portal(institution, post)
    audit_record(
        actor=actor,
        action="post.update",
        target=post,
        summary=_("게시글 수정: %(title)s") % {"title": post.title},
    )
    return post


@transaction.atomic
def post_delete(*, actor, institution, post: Post) -> None:
    """Soft delete: the row stays for the record, the post disappears from lists."""
    post = Post.objects.select_for_update().select_related("board").get(pk=post.pk)
    if not board_access.can_edit_post(actor, institution, post):
        raise PermissionDenied
    post.is_deleted = True
    post.save(update_fields=["is_deleted", "updated_at"])
    _sync_portal(institution, post)
    audit_record(
        actor=actor,
        action="post.delete",
        target=post,
        summary=_("게시글 삭제: %(title)s") % {"title": post.title},
    )


def post_mark_read(*, actor, post: Post) -> bool:
    """Record the first read by ``actor``; the count counts readers, not page loads."""
    try:
        with transaction.atomic():
            _row, created = PostRead.objects.get_or_create(post=post, user=actor)
            if created:
                Post.objects.filter(pk=post.pk).update(read_count=F("read_count") + 1)
    except IntegrityError:  # a parallel first read won the race; counted once
        return False
    return created


@transaction.atomic
def comment_create(*, actor, institution, post: Post, body: str) -> Comment:
    if not board_access.can_read_board(actor, institution, post.board):
        raise PermissionDenied
    if not post.board.allow_comments:
        raise ValidationError({"body": ERRORS["comments_closed"]})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ERRORS["comment_required"]})
    if len(body) > 2000:
        raise ValidationError({"body": _("댓글은 2000자 이내로 입력해 주세요.")})
    return Comment.objects.create(post=post, author=actor, body=body)


@transaction.atomic
def comment_delete(*, actor, institution, comment: Comment) -> None:
    from accounts import access

    if comment.author_id != actor.pk and not access.is_institution_admin(actor, institution):
        raise PermissionDenied
    comment.is_deleted = True
    comment.save(update_fields=["is_deleted"])


@transaction.atomic
def board_create(
    *,
    actor,
    institution,
    name: str,
    kind: str = Board.Kind.GENERAL,
    description: str = "",
    department=None,
    read_access: str = Board.ReadAccess.MEMBERS,
    write_access: str = Board.WriteAccess.MEMBERS,
    allow_comments: bool = True,
    order: int = 0,
) -> Board:
    """Add a board (admins)."""
    if not board_access.can_manage_boards(actor, institution):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ERRORS["name_required"]})
    if Board.objects.filter(name=name).exists():
        raise ValidationError({"name": ERRORS["name_taken"]})
    if department is None and "department" in (read_access, write_access):
        raise ValidationError({"department": ERRORS["department_required"]})
    board = Board.objects.create(
        name=name,
        kind=kind,
        description=description,
        department=department,
        read_access=read_access,
        write_access=write_access,
        allow_comments=allow_comments,
        order=order,
    )
    audit_record(
        actor=actor,
        action="board.create",
        target=board,
        summary=_("게시판 생성: %(name)s") % {"name": name},
    )
    return board


@transaction.atomic
def board_update(*, actor, institution, board: Board, **changes) -> Board:
    """Change a board's name, description or who may read and post (admins)."""
    if not board_access.can_manage_boards(actor, institution):
        raise PermissionDenied
    allowed = {
        "name", "kind", "description", "department", "read_access", "write_access",
        "allow_comments", "order", "is_active",
    }  # fmt: skip
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    board = Board.objects.select_for_update().get(pk=board.pk)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationError({"name": ERRORS["name_required"]})
        if Board.objects.filter(name=changes["name"]).exclude(pk=board.pk).exists():
            raise ValidationError({"name": ERRORS["name_taken"]})
    department = changes.get("department", board.department)
    read_access = changes.get("read_access", board.read_access)
    write_access = changes.get("write_access", board.write_access)
    if department is None and "department" in (read_access, write_access):
        raise ValidationError({"department": ERRORS["department_required"]})
    for field, value in changes.items():
        setattr(board, field, value)
    board.save()
    if {"kind", "is_active"} & set(changes):
        # the board's public notices enter or leave the portal with it
        for post_id in Post.objects.filter(board=board, is_public=True).values_list(
            "pk", flat=True
        ):
            portal.changed(kind="notice", key=post_id, institution=institution)
    audit_record(
        actor=actor,
        action="board.update",
        target=board,
        summary=_("게시판 설정 변경: %(name)s") % {"name": board.name},
        data={k: str(v) for k, v in changes.items()},
    )
    return board
