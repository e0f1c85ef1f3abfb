"""Boards: list, read, write, comment, attachments, readers, public notices."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_page
from groupware.boards import permissions as board_access
from groupware.boards import selectors as board_selectors
from groupware.boards import services
from groupware.boards.forms import BoardForm, CommentForm, PostForm
from groupware.boards.models import Board, Comment, Post, PostRead
from groupware.boards.search import search_posts
from suite.forms import apply_errors


def _search(posts, q: str):
    return search_posts(posts, q)


@staff_page()
def index(request):
    """All boards I may read with their newest posts; search across them."""
    boards = list(
        board_selectors.readable_boards(request.user, request.institution).annotate(
            post_total=Count("posts", filter=Q(posts__is_deleted=False))
        )
    )
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    results = None
    if q:
        results = Paginator(
            _search(Post.objects.live().filter(board__in=boards), q)
            .select_related("board", "author")
            .order_by("-created_at"),
            20,
        ).get_page(request.GET.get("page"))
    recent = (
        Post.objects.live()
        .filter(board__in=boards)
        .select_related("board", "author")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "boards/index.html",
        {
            "boards": boards,
            "recent": recent,
            "q": q,
            "results": results,
            "can_manage": board_access.can_manage_boards(request.user, request.institution),
            "active": "boards",
        },
    )


@staff_page()
def board(request, pk: int):
    board = board_selectors.board_for(request.user, request.institution, pk)
    now = timezone.now()
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    posts = Post.objects.live().filter(board=board).select_related("author")
    pinned = [] if q else list(posts.filter(pinned_until__gt=now).order_by("-created_at"))
    listing = _search(posts, q).annotate(
        comment_total=Count("comments", filter=Q(comments__is_deleted=False))
    )
    if not q:
        listing = listing.exclude(pk__in=[p.pk for p in pinned])
    page = Paginator(listing.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page"))
    read_ids = set(
        PostRead.objects.filter(
            user=request.user, post__in=[p.pk for p in page] + [p.pk for p in pinned]
        ).values_list("post_id", flat=True)
    )
    return render(
        request,
        "boards/board.html",
        {
            "board": board,
            "pinned": pinned,
            "page": page,
            "q": q,
            "read_ids": read_ids,
            "can_post": board_access.can_post(request.user, request.institution, board),
            "active": "boards",
        },
    )


@staff_page()
def post(request, pk: int):
    post = board_selectors.post_for(request.user, request.institution, pk)
    return _post_page(request, post)


def _post_page(request, post, *, comment_form=None, status=200):
    """The post with its comments; a refused comment comes back with its error beside the field."""
    services.post_mark_read(actor=request.user, post=post)
    post.refresh_from_db(fields=["read_count"])
    can_see_readers = post.is_important and board_access.can_see_readers(
        request.user, request.institution, post
    )
    readers = not_yet = None
    if can_see_readers:
        readers = PostRead.objects.filter(post=post).select_related("user").order_by("read_at")
        not_yet = _not_yet_read(request.institution, post)
    return render(
        request,
        "boards/post.html",
        {
            "board": post.board,
            "post": post,
            "attachments": post.attachments.all(),
            "comments": post.comments.filter(is_deleted=False).select_related("author"),
            "comment_form": comment_form or CommentForm(),
            "readers": readers,
            "not_yet": not_yet,
            "can_edit": board_access.can_edit_post(request.user, request.institution, post),
            "active": "boards",
        },
        status=status,
    )


def _not_yet_read(institution, post):
    """Members who may read the post and have not opened it yet (for important notices)."""
    from accounts.models import User
    from groupware.models import StaffProfile
    from groupware.public import member_user_ids, subtree_ids

    people = User.objects.filter(pk__in=member_user_ids(institution)).exclude(
        pk__in=PostRead.objects.filter(post=post).values("user_id")
    )
    board = post.board
    if board.read_access == Board.ReadAccess.DEPARTMENT and board.department_id:
        people = people.filter(
            pk__in=StaffProfile.objects.filter(
                department_id__in=subtree_ids(board.department_id)
            ).values("user_id")
        )
    return people.order_by("name")


def _post_form_view(request, board, post=None):
    can_flag = board_access.can_mark_important(request.user, request.institution, board)
    initial = {}
    if post is not None:
        initial = {
            "title": post.title,
            "body": post.body,
            "is_important": post.is_important,
            "is_public": post.is_public,
            "pinned_until": timezone.localtime(post.pinned_until) if post.pinned_until else None,
        }
    form = PostForm(
        request.POST or None, request.FILES or None, can_flag=can_flag, board=board, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("attachments", [])
            try:
                if post is None:
                    post = services.post_create(
                        actor=request.user,
                        institution=request.institution,
                        board=board,
                        files=files,
                        **data,
                    )
                    messages.success(request, _("글을 올렸습니다."))
                else:
                    remove = [
                        int(v)
                        for v in request.POST.getlist("remove_attachment")
                        if v.isascii() and v.isdigit() and len(v) < 19
                    ]
                    post = services.post_update(
                        actor=request.user,
                        institution=request.institution,
                        post=post,
                        files=files,
                        remove_attachments=remove,
                        **data,
                    )
                    messages.success(request, _("글을 수정했습니다."))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("boards:post", pk=post.pk)
        status = 400
    return render(
        request,
        "boards/post_form.html",
        {"form": form, "board": board, "post": post, "active": "boards"},
        status=status,
    )


@staff_page()
@require_http_methods(["GET", "POST"])
def post_create(request, pk: int):
    board = board_selectors.board_for(request.user, request.institution, pk)
    if not board_access.can_post(request.user, request.institution, board):
        raise PermissionDenied
    return _post_form_view(request, board)


@staff_page()
@require_http_methods(["GET", "POST"])
def post_edit(request, pk: int):
    post = board_selectors.post_for(request.user, request.institution, pk)
    if not board_access.can_edit_post(request.user, request.institution, post):
        raise PermissionDenied
    return _post_form_view(request, post.board, post)


@staff_page()
@require_POST
def post_delete(request, pk: int):
    post = board_selectors.post_for(request.user, request.institution, pk)
    services.post_delete(actor=request.user, institution=request.institution, post=post)
    messages.success(request, _("글을 삭제했습니다."))
    return redirect("boards:board", pk=post.board_id)


@staff_page()
@require_POST
def comment_create(request, pk: int):
    post = board_selectors.post_for(request.user, request.institution, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.comment_create(
            actor=request.user,
            institution=request.institution,
            post=post,
            body=form.cleaned_data.get("body", ""),
        )
    except ValidationError as error:
        if not post.board.allow_comments:  # no comment box to show the error beside
            messages.error(request, " ".join(error.messages))
            return redirect("boards:post", pk=post.pk)
        apply_errors(form, error)
        return _post_page(request, post, comment_form=form, status=400)
    return redirect("boards:post", pk=post.pk)


@staff_page()
@require_POST
def comment_delete(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk, is_deleted=False)
    board_selectors.post_for(request.user, request.institution, comment.post_id)
    services.comment_delete(actor=request.user, institution=request.institution, comment=comment)
    return redirect("boards:post", pk=comment.post_id)


def attachment(request, pk: int):
    """Private files, served only to people who may read the post (or anyone: public notice)."""
    if not request.user.is_authenticated:
        item = (
            board_selectors.attachment_for(request.user, request.institution, pk)
            if _is_public(pk)
            else None
        )
        if item is None:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
    else:
        item = board_selectors.attachment_for(request.user, request.institution, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = (
        item.content_type or mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    )
    response = FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _is_public(pk: int) -> bool:
    from groupware.boards.models import Attachment

    return Attachment.objects.filter(
        pk=pk, post__is_public=True, post__is_deleted=False, post__board__kind=Board.Kind.NOTICE
    ).exists()


def public_post(request, pk: int):
    """A public notice for residents and anonymous visitors."""
    post = board_selectors.public_notice(pk)
    return render(
        request, "boards/public_post.html", {"post": post, "attachments": post.attachments.all()}
    )


@staff_page(board_access.can_manage_boards)
@require_http_methods(["GET", "POST"])
def board_create(request):
    form = BoardForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                board = services.board_create(
                    actor=request.user, institution=request.institution, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("게시판을 만들었습니다."))
                return redirect("boards:board", pk=board.pk)
        return render(
            request, "boards/board_form.html", {"form": form, "active": "boards"}, status=400
        )
    return render(request, "boards/board_form.html", {"form": form, "active": "boards"})


@staff_page()
@require_http_methods(["GET", "POST"])
def board_edit(request, pk: int):
    """Board settings: who may read, who may post (admins)."""
    board = board_selectors.board_for(request.user, request.institution, pk)
    if not board_access.can_manage_boards(request.user, request.institution):
        raise PermissionDenied
    initial = {
        "name": board.name,
        "kind": board.kind,
        "description": board.description,
        "department": board.department_id,
        "read_access": board.read_access,
        "write_access": board.write_access,
        "allow_comments": board.allow_comments,
    }
    form = BoardForm(request.POST or None, initial=initial)
    context = {"form": form, "board": board, "active": "boards"}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.board_update(
                    actor=request.user,
                    institution=request.institution,
                    board=board,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("게시판 설정을 저장했습니다."))
                return redirect("boards:board", pk=board.pk)
        return render(request, "boards/board_form.html", context, status=400)
    return render(request, "boards/board_form.html", context)
