"""Boards (게시판): institution-wide notices, department boards, a free board.

Who may read and who may post is data on the board (``read_access``,
``write_access``); ``groupware.boards.permissions`` turns it into capabilities.
Post bodies are stored already sanitised (nh3) by the services.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("공지사항")
        DEPARTMENT = "department", _("부서 게시판")
        FREE = "free", _("자유 게시판")
        GENERAL = "general", _("일반 게시판")

    class ReadAccess(models.TextChoices):
        MEMBERS = "members", _("기관 구성원 모두")
        DEPARTMENT = "department", _("해당 부서원(하위 부서 포함)")

    class WriteAccess(models.TextChoices):
        MEMBERS = "members", _("기관 구성원 모두")
        DEPARTMENT = "department", _("해당 부서원(하위 부서 포함)")
        ADMINS = "admins", _("기관 관리자만")

    name = models.CharField(_("게시판 이름"), max_length=60)
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    description = models.CharField(_("설명"), max_length=200, blank=True)
    department = models.ForeignKey(
        "groupware.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="boards",
        verbose_name=_("부서"),
    )
    read_access = models.CharField(
        _("읽기 권한"), max_length=20, choices=ReadAccess.choices, default=ReadAccess.MEMBERS
    )
    write_access = models.CharField(
        _("쓰기 권한"), max_length=20, choices=WriteAccess.choices, default=WriteAccess.MEMBERS
    )
    allow_comments = models.BooleanField(_("댓글 허용"), default=True)
    order = models.PositiveIntegerField(_("정렬 순서"), default=0)
    is_active = models.BooleanField(_("사용"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="board_unique_name"),
            models.CheckConstraint(
                condition=~Q(read_access="department") | Q(department__isnull=False),
                name="board_department_read_needs_department",
            ),
            models.CheckConstraint(
                condition=~Q(write_access="department") | Q(department__isnull=False),
                name="board_department_write_needs_department",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_deleted=False)

    def pinned_now(self, now=None):
        now = now or timezone.now()
        return self.filter(pinned_until__gt=now)


class Post(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    is_important = models.BooleanField(
        _("중요 공지"),
        default=False,
        help_text=_("읽은 사람 목록을 기록하고 대시보드에 표시합니다."),
    )
    is_public = models.BooleanField(
        _("외부 공개"), default=False, help_text=_("기관 홈페이지와 통합 포털 검색에 공개합니다.")
    )
    pinned_until = models.DateTimeField(_("상단 고정 종료"), null=True, blank=True)
    read_count = models.PositiveIntegerField(_("조회수"), default=0)
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["board", "-created_at"], name="post_board_recent")]

    def __str__(self) -> str:
        return self.title

    def is_pinned(self, now=None) -> bool:
        return self.pinned_until is not None and self.pinned_until > (now or timezone.now())


def attachment_path(instance, filename: str) -> str:
    """Under private/: never served by /media/, only through the permission-checked view."""
    base = os.path.basename(filename)[-120:] or "file"
    return f"private/boards/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{base}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("첨부파일"), upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    body = models.TextField(_("댓글"), max_length=2000)
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class PostRead(models.Model):
    """Who read a post and when (first read). One row per reader."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["read_at"]
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.post_id}"
