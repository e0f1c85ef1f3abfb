"""Boards: read/post permissions, sanitised rich text, attachments behind a permission
check, pinning with an end date, comments, read counts and readers, search, public notices."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from groupware.boards import services
from groupware.boards.models import Attachment, Board, Post, PostRead


@pytest.fixture
def boards(world, org, in_schema):
    with in_schema(world.inst_a):
        notice = Board.objects.create(
            name="공지사항", kind="notice", write_access="admins", allow_comments=False
        )
        free = Board.objects.create(name="자유게시판", kind="free")
        dept = Board.objects.create(
            name="기획팀 게시판",
            kind="department",
            department=org.planning,
            read_access="department",
            write_access="department",
        )
        division = Board.objects.create(
            name="경영지원부 게시판",
            kind="department",
            department=org.division,
            read_access="department",
            write_access="department",
        )
        return {"notice": notice, "free": free, "dept": dept, "division": division}


def test_department_board_read_rules(world, boards, on_host, in_schema):
    dept = boards["dept"]
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.staff_a, institution=world.inst_a, board=dept, title="팀 회의록"
        )
    assert on_host(world.inst_a, world.staff_a).get(f"/staff/boards/{dept.pk}/").status_code == 200
    assert (
        on_host(world.inst_a, world.admin_a).get(f"/staff/boards/posts/{post.pk}/").status_code
        == 200
    )
    # a board one may not read is answered like one that does not exist
    refused = on_host(world.inst_a, world.staff_a2).get(f"/staff/boards/posts/{post.pk}/")
    assert refused.status_code == 404
    assert on_host(world.inst_a, world.staff_a2).get(f"/staff/boards/{dept.pk}/").status_code == 404
    assert (
        on_host(world.inst_a, world.staff_b).get(f"/staff/boards/posts/{post.pk}/").status_code
        == 404
    )
    assert (
        on_host(world.inst_a, world.resident).get(f"/staff/boards/posts/{post.pk}/").status_code
        == 404
    )
    # a 부 board is readable by the members of its 팀s
    division = boards["division"]
    assert (
        on_host(world.inst_a, world.staff_a2).get(f"/staff/boards/{division.pk}/").status_code
        == 200
    )
    listing = on_host(world.inst_a, world.staff_a2).get("/staff/boards/").content.decode()
    assert "기획팀 게시판" not in listing and "자유게시판" in listing


def test_post_rules_notice_admins_only(world, boards, on_host, in_schema):
    notice = boards["notice"]
    assert (
        on_host(world.inst_a, world.staff_a).get(f"/staff/boards/{notice.pk}/write/").status_code
        == 403
    )
    assert (
        on_host(world.inst_a, world.admin_a).get(f"/staff/boards/{notice.pk}/write/").status_code
        == 200
    )
    assert (
        on_host(world.inst_a, world.staff_b).get(f"/staff/boards/{notice.pk}/write/").status_code
        == 404
    )
    with in_schema(world.inst_a):
        with pytest.raises(PermissionDenied):
            services.post_create(
                actor=world.staff_a, institution=world.inst_a, board=notice, title="x"
            )
        with pytest.raises(PermissionDenied):
            services.post_create(
                actor=world.staff_a2, institution=world.inst_a, board=boards["dept"], title="x"
            )
        assert not Post.objects.exists()


def test_post_without_title_gets_error_next_to_field(world, boards, on_host, in_schema):
    response = on_host(world.inst_a, world.staff_a).post(
        f"/staff/boards/{boards['free'].pk}/write/", {"title": " ", "body": "본문"}
    )
    assert response.status_code == 400
    assert 'class="error" id="id_title_error">제목을 입력해 주세요.' in response.content.decode()
    with in_schema(world.inst_a):
        assert not Post.objects.exists()


def test_rich_text_is_sanitised(world, boards, in_schema):
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=boards["free"],
            title="서식",
            body='<p onclick="x()">안녕 <strong>굵게</strong><script>alert(1)</script><a href="javascript:alert(1)">링크</a></p>',
        )
        assert (
            "<script>" not in post.body
            and "onclick" not in post.body
            and "javascript:" not in post.body
        )
        assert "<strong>굵게</strong>" in post.body
        plain = services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=boards["free"],
            title="평문",
            body="첫 줄 <나>\n\n둘째 문단",
        )
        assert plain.body.startswith("<p>") and "&lt;나&gt;" in plain.body


def test_attachment_is_private_and_permission_checked(world, boards, on_host, in_schema):
    upload = SimpleUploadedFile("회의록.txt", "기밀 회의록".encode(), content_type="text/plain")
    response = on_host(world.inst_a, world.staff_a).post(
        f"/staff/boards/{boards['dept'].pk}/write/",
        {"title": "회의록", "body": "첨부 확인", "attachments": [upload]},
    )
    assert response.status_code == 302
    with in_schema(world.inst_a):
        attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("private/boards/")
    url = f"/staff/boards/files/{attachment.pk}/"
    ok = on_host(world.inst_a, world.staff_a).get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content).decode() == "기밀 회의록"
    assert on_host(world.inst_a, world.staff_a2).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_b).get(url).status_code == 404
    assert on_host(world.inst_a).get(url).status_code == 302
    # the media route never serves private files
    media = on_host(world.inst_a, world.staff_a).get(
        f"/media/{world.inst_a.schema_name}/{attachment.file.name}"
    )
    assert media.status_code == 404
    with in_schema(world.inst_a):
        attachment.file.delete(save=False)


def test_executable_attachment_refused(world, boards, in_schema):
    with in_schema(world.inst_a):
        with pytest.raises(ValidationError) as caught:
            services.post_create(
                actor=world.staff_a,
                institution=world.inst_a,
                board=boards["free"],
                title="파일",
                files=[SimpleUploadedFile("run.exe", b"MZ")],
            )
        assert "attachments" in caught.value.message_dict
        assert not Post.objects.exists()


def test_pinned_until_end_date(world, boards, on_host, in_schema):
    notice = boards["notice"]
    with in_schema(world.inst_a):
        old = services.post_create(
            actor=world.admin_a,
            institution=world.inst_a,
            board=notice,
            title="고정 공지",
            pinned_until=timezone.now() + timedelta(days=3),
        )
        for i in range(3):
            services.post_create(
                actor=world.admin_a, institution=world.inst_a, board=notice, title=f"새 공지 {i}"
            )
        with pytest.raises(ValidationError):
            services.post_create(
                actor=world.admin_a,
                institution=world.inst_a,
                board=notice,
                title="과거",
                pinned_until=timezone.now() - timedelta(days=1),
            )
    body = on_host(world.inst_a, world.staff_a).get(f"/staff/boards/{notice.pk}/").content.decode()
    assert body.index("고정 공지") < body.index("새 공지 2")
    with in_schema(world.inst_a):
        Post.objects.filter(pk=old.pk).update(pinned_until=timezone.now() - timedelta(minutes=1))
    body = on_host(world.inst_a, world.staff_a).get(f"/staff/boards/{notice.pk}/").content.decode()
    assert body.index("새 공지 2") < body.index("고정 공지")


def test_read_count_and_readers_of_important_notice(world, boards, on_host, in_schema):
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.admin_a,
            institution=world.inst_a,
            board=boards["notice"],
            title="필독",
            is_important=True,
        )
    for user in (world.staff_a, world.staff_a, world.staff_a2):
        on_host(world.inst_a, user).get(f"/staff/boards/posts/{post.pk}/")
    with in_schema(world.inst_a):
        assert Post.objects.get(pk=post.pk).read_count == 2
        assert PostRead.objects.filter(post=post).count() == 2
    author_view = (
        on_host(world.inst_a, world.admin_a).get(f"/staff/boards/posts/{post.pk}/").content.decode()
    )
    assert "읽은 사람" in author_view and world.staff_a2.name in author_view
    not_yet = author_view.split("아직 읽지 않은 사람")[1]
    assert world.manager_a.name in not_yet and world.staff_a2.name not in not_yet
    reader_view = (
        on_host(world.inst_a, world.staff_a).get(f"/staff/boards/posts/{post.pk}/").content.decode()
    )
    assert "읽은 사람" not in reader_view


def test_comments(world, boards, on_host, in_schema):
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.staff_a, institution=world.inst_a, board=boards["free"], title="의견"
        )
    client = on_host(world.inst_a, world.staff_a2)
    client.post(f"/staff/boards/posts/{post.pk}/comments/", {"body": "좋습니다"})
    refused = client.post(f"/staff/boards/posts/{post.pk}/comments/", {"body": "   "})
    assert refused.status_code == 400
    assert 'id="id_body_error">댓글 내용을 입력해 주세요.' in refused.content.decode()
    with in_schema(world.inst_a):
        assert list(post.comments.values_list("body", flat=True)) == ["좋습니다"]
        comment = post.comments.get()
    assert (
        on_host(world.inst_a, world.staff_a)
        .post(f"/staff/boards/comments/{comment.pk}/delete/")
        .status_code
        == 403
    )
    assert client.post(f"/staff/boards/comments/{comment.pk}/delete/").status_code == 302


def test_search_by_title_and_body(world, boards, on_host, in_schema):
    with in_schema(world.inst_a):
        services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=boards["free"],
            title="예산 회의",
            body="일정",
        )
        services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=boards["free"],
            title="점심",
            body="예산과 무관한 국수",
        )
        services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=boards["dept"],
            title="예산 팀 비밀",
        )
    body = (
        on_host(world.inst_a, world.staff_a2).get("/staff/boards/", {"q": "예산"}).content.decode()
    )
    assert "예산 회의" in body and "점심" in body and "예산 팀 비밀" not in body


def test_public_notice_on_home_and_portal(
    world, boards, on_host, in_schema, django_capture_on_commit_callbacks
):
    from portal.models import PortalEntry

    # the portal re-reads the post after commit (portal.public.changed)
    with in_schema(world.inst_a), django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(
            actor=world.admin_a,
            institution=world.inst_a,
            board=boards["notice"],
            title="동절기 운영시간 안내",
            body="09:00–21:00",
            is_public=True,
        )
        services.post_create(
            actor=world.admin_a, institution=world.inst_a, board=boards["notice"], title="내부 공지"
        )
        with pytest.raises(ValidationError):
            services.post_create(
                actor=world.admin_a,
                institution=world.inst_a,
                board=boards["free"],
                title="공개?",
                is_public=True,
            )
    entry = PortalEntry.objects.get(kind="notice", key=str(post.pk))
    assert entry.title == "동절기 운영시간 안내" and entry.institution == world.inst_a
    home = on_host(world.inst_a).get("/").content.decode()
    assert "동절기 운영시간 안내" in home and "내부 공지" not in home
    assert on_host(world.inst_a).get(f"/staff/boards/public/{post.pk}/").status_code == 200
    assert on_host(world.inst_b).get(f"/staff/boards/public/{post.pk}/").status_code == 404
    with in_schema(world.inst_a), django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            actor=world.admin_a, institution=world.inst_a, post=post, is_public=False
        )
    assert not PortalEntry.objects.filter(kind="notice", key=str(post.pk)).exists()
    assert on_host(world.inst_a).get(f"/staff/boards/public/{post.pk}/").status_code == 404


def test_edit_and_delete_by_author_only(world, boards, on_host, in_schema):
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.staff_a, institution=world.inst_a, board=boards["free"], title="원래 제목"
        )
    other = on_host(world.inst_a, world.staff_a2)
    assert other.post(f"/staff/boards/posts/{post.pk}/edit/", {"title": "바꿈"}).status_code == 403
    assert other.post(f"/staff/boards/posts/{post.pk}/delete/").status_code == 403
    author = on_host(world.inst_a, world.staff_a)
    assert (
        author.post(
            f"/staff/boards/posts/{post.pk}/edit/", {"title": "새 제목", "body": "b"}
        ).status_code
        == 302
    )
    assert author.post(f"/staff/boards/posts/{post.pk}/delete/").status_code == 302
    with in_schema(world.inst_a):
        saved = Post.objects.get(pk=post.pk)
        assert saved.title == "새 제목" and saved.is_deleted
    assert author.get(f"/staff/boards/posts/{post.pk}/").status_code == 404


def test_board_create_admin_only(world, org, on_host, in_schema):
    assert on_host(world.inst_a, world.staff_a).get("/staff/boards/new/").status_code == 403
    response = on_host(world.inst_a, world.admin_a).post(
        "/staff/boards/new/",
        {
            "name": "총무팀",
            "kind": "department",
            "read_access": "department",
            "write_access": "members",
        },
    )
    assert response.status_code == 400 and "부서를 선택해 주세요" in response.content.decode()


def test_boards_seed_idempotent(world, in_schema):
    from groupware import seed as org_seed
    from groupware.boards import seed

    people = {
        "admin": world.admin_a,
        "facility": world.manager_a,
        "staff1": world.staff_a,
        "staff2": world.staff_a2,
    }
    with in_schema(world.inst_a):
        org_seed.seed_institution(institution=world.inst_a, people=people)
        seed.seed_institution(institution=world.inst_a, people=people)
        count = Post.objects.count()
        seed.seed_institution(institution=world.inst_a, people=people)
        assert Post.objects.count() == count >= 10
        assert Board.objects.filter(kind="department").count() >= 2
        assert Post.objects.filter(is_public=True).exists()


def test_board_settings_change_who_may_read(world, boards, on_host, in_schema):
    free = boards["free"]
    url = f"/staff/boards/{free.pk}/settings/"
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.admin_b).get(url).status_code == 404
    admin = on_host(world.inst_a, world.admin_a)
    refused = admin.post(
        url,
        {
            "name": "자유게시판",
            "kind": "free",
            "read_access": "department",
            "write_access": "members",
        },
    )
    assert refused.status_code == 400 and "부서를 선택해 주세요" in refused.content.decode()
    changed = admin.post(
        url,
        {
            "name": "기획팀 자유",
            "kind": "free",
            "department": boards["dept"].department_id,
            "read_access": "department",
            "write_access": "department",
            "allow_comments": "on",
        },
    )
    assert changed.status_code == 302
    assert on_host(world.inst_a, world.staff_a2).get(f"/staff/boards/{free.pk}/").status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(f"/staff/boards/{free.pk}/").status_code == 200


def test_public_home_section_absent_without_public_notices(world, boards, in_schema):
    from django.test import RequestFactory

    from groupware.boards.public import home_section

    with in_schema(world.inst_a):
        request = RequestFactory().get("/")
        request.institution = world.inst_a
        assert home_section(request) is None


def test_post_with_an_ended_pin_can_still_be_edited(world, boards, on_host, in_schema):
    """The form sends the pin's end back to the minute; that is no change, not "a past pin"."""
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.admin_a, institution=world.inst_a, board=boards["notice"], title="오타 공지"
        )
        ended = timezone.now() - timedelta(days=2, seconds=17)
        Post.objects.filter(pk=post.pk).update(pinned_until=ended)
    client = on_host(world.inst_a, world.admin_a)
    form = client.get(f"/staff/boards/posts/{post.pk}/edit/").context["form"]
    response = client.post(
        f"/staff/boards/posts/{post.pk}/edit/",
        {
            "title": "오타 고친 공지",
            "body": "본문",
            "pinned_until": form.initial["pinned_until"].strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    with in_schema(world.inst_a):
        post.refresh_from_db()
        assert post.title == "오타 고친 공지" and post.pinned_until == ended


def test_search_reads_body_text_not_its_markup(world, boards, on_host, in_schema):
    with in_schema(world.inst_a):
        services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=boards["free"],
            title="연구 안내",
            body='<p><strong>R&D</strong> 과제 <a href="https://example.org">공모</a></p>',
        )
    client = on_host(world.inst_a, world.staff_a2)

    def found(q):
        return [p.title for p in client.get("/staff/boards/", {"q": q}).context["results"]]

    for word in ("strong", "href", "example"):
        assert found(word) == []
    for words in ("R&D 과제", "공모"):
        assert found(words) == ["연구 안내"]
    api = client.get("/api/v1/posts/", {"q": "R&D"}).json()
    assert [p["title"] for p in api["results"]] == ["연구 안내"]
    assert client.get("/api/v1/posts/", {"q": "strong"}).json()["count"] == 0


def test_a_board_one_may_not_read_is_404_like_a_missing_one(world, boards, on_host, in_schema):
    """Another team's department board: every page (board, post, write, edit, delete,
    comments, settings, files) answers the 404 of "no such thing" and nothing changes."""
    dept = boards["dept"]
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.staff_a,
            institution=world.inst_a,
            board=dept,
            title="팀 회의록",
            files=[SimpleUploadedFile("회의록.txt", "기밀".encode(), content_type="text/plain")],
        )
        comment = services.comment_create(
            actor=world.staff_a, institution=world.inst_a, post=post, body="확인했습니다"
        )
        attachment = post.attachments.get()
    client = on_host(world.inst_a, world.staff_a2)
    for path, missing, data in (
        (f"/staff/boards/{dept.pk}/", "/staff/boards/999999/", None),
        (f"/staff/boards/{dept.pk}/write/", "/staff/boards/999999/write/", None),
        (f"/staff/boards/{dept.pk}/write/", "/staff/boards/999999/write/", {"title": "x"}),
        (f"/staff/boards/posts/{post.pk}/", "/staff/boards/posts/999999/", None),
        (f"/staff/boards/posts/{post.pk}/edit/", "/staff/boards/posts/999999/edit/", None),
        (f"/staff/boards/files/{attachment.pk}/", "/staff/boards/files/999999/", None),
    ):
        method = client.post if data else client.get
        assert method(path, data).status_code == 404, path
        assert method(missing, data).status_code == 404, missing
    for path, missing, data in (
        (
            f"/staff/boards/posts/{post.pk}/edit/",
            "/staff/boards/posts/999999/edit/",
            {"title": "x"},
        ),
        (f"/staff/boards/posts/{post.pk}/delete/", "/staff/boards/posts/999999/delete/", {}),
        (
            f"/staff/boards/posts/{post.pk}/comments/",
            "/staff/boards/posts/999999/comments/",
            {"body": "끼어들기"},
        ),
        (
            f"/staff/boards/comments/{comment.pk}/delete/",
            "/staff/boards/comments/999999/delete/",
            {},
        ),
    ):
        assert client.post(path, data).status_code == 404, path
        assert client.post(missing, data).status_code == 404, missing
    # settings: a non-admin who cannot read the board learns nothing either
    assert client.get(f"/staff/boards/{dept.pk}/settings/").status_code == 404
    with in_schema(world.inst_a):
        saved = Post.objects.get(pk=post.pk)
        assert saved.title == "팀 회의록" and not saved.is_deleted and saved.read_count == 0
        assert list(saved.comments.values_list("body", "is_deleted")) == [("확인했습니다", False)]
        assert not PostRead.objects.filter(user=world.staff_a2).exists()
        attachment.file.delete(save=False)


def test_a_board_one_reads_but_may_not_post_to_is_403(world, boards, on_host, in_schema):
    """Reading is not posting: a member on the 공지사항 board, or on a post of someone else."""
    notice, free = boards["notice"], boards["free"]
    with in_schema(world.inst_a):
        post = services.post_create(
            actor=world.staff_a, institution=world.inst_a, board=free, title="원래 제목"
        )
    client = on_host(world.inst_a, world.staff_a2)
    assert client.get(f"/staff/boards/{notice.pk}/").status_code == 200
    assert client.post(f"/staff/boards/{notice.pk}/write/", {"title": "x"}).status_code == 403
    assert client.get(f"/staff/boards/{free.pk}/settings/").status_code == 403
    assert client.get(f"/staff/boards/posts/{post.pk}/").status_code == 200
    assert client.post(f"/staff/boards/posts/{post.pk}/delete/").status_code == 403
    with in_schema(world.inst_a):
        assert list(Post.objects.values_list("title", "is_deleted")) == [("원래 제목", False)]
