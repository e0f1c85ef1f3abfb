"""Private files (approval PDFs and attachments, board attachments, staff photos and
signatures) are never served by /media/, whatever the encoding of the path, on any host, to
anyone; they are served only by the views that check permission, optionally through the
web server (X-Accel-Redirect / X-Sendfile); new ones get unguessable names."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from groupware.models import StaffProfile
from suite.storage import unguessable_name

SECRET = b"SECRET-PRIVATE-CONTENT"
PUBLIC = b"PUBLIC-FACILITY-PHOTO"

# Private files as they lie on disk, old guessable names included (relative to the schema).
PRIVATE_FILES = [
    "private/staff/legacy.png",
    "private/signatures/sign.png",
    "private/approval/1/pdf/0123456789abcdef0123456789abcdef/doc.pdf",
    "private/boards/2026/11/0123456789abcdef0123456789abcdef/att.txt",
]


@pytest.fixture
def media(settings, tmp_path, world):
    """MEDIA_ROOT with inst_a's private files, a public facility photo and a logo."""
    settings.MEDIA_ROOT = tmp_path
    schema = tmp_path / world.inst_a.schema_name
    for name in PRIVATE_FILES:
        (schema / name).parent.mkdir(parents=True, exist_ok=True)
        (schema / name).write_bytes(SECRET)
    (schema / "facilities" / "1").mkdir(parents=True)
    (schema / "facilities" / "1" / "hall.jpg").write_bytes(PUBLIC)
    (tmp_path / "public" / "logo").mkdir(parents=True)
    (tmp_path / "public" / "logo" / "a.png").write_bytes(PUBLIC)
    return tmp_path


def variants(schema: str, name: str) -> list[str]:
    """Ways of asking /media/ for ``<schema>/<name>`` (name starts with "private/")."""
    rest = name.removeprefix("private/")
    upper = "PRIVATE/" + rest
    return [
        f"/media/{schema}/{name}",
        f"/media/{schema}/./{name}",
        f"/media/{schema}/.//{name}",
        f"/media/{schema}//{name}",
        f"/media/{schema}/%2e/{name}",
        f"/media/{schema}/%2E/{name}",
        f"/media/{schema}/%252e/{name}",
        f"/media/{schema}/%252E/{name}",
        f"/media/{schema}/%2e%2f{name}",
        f"/media/{schema}/.%2f{name}",
        f"/media/{schema}/facilities/../{name}",
        f"/media/{schema}/facilities/%2e%2e/{name}",
        f"/media/{schema}/facilities/%2E%2E/{name}",
        f"/media/{schema}/facilities/%252e%252e/{name}",
        f"/media/{schema}/facilities/..%2f{name}",
        f"/media/{schema}/facilities%2f..%2f{name}",
        f"/media/{schema}/facilities/./../{name}",
        f"/media/{schema}/facilities/1/../../{name}",
        f"/media/{schema}/facilities/../../{schema}/{name}",
        f"/media/public/../{schema}/{name}",
        f"/media/public/logo/../../{schema}/{name}",
        f"/media/{schema}/facilities\\..\\{name}",
        f"/media/{schema}/facilities%5c..%5c{name}",
        f"/media/{schema}/facilities\\..\\{name.replace('/', chr(92))}",
        f"/media/{schema}/{upper}",
        f"/media/{schema}/Private/{rest}",
        f"/media/{schema}/%70rivate/{rest}",
        f"/media/{schema}/%50RIVATE/{rest}",
        f"/media/{schema}/{name}/",
        f"/media/{schema}/{name}%00",
        f"/media/{schema}/{name}%00.jpg",
        f"/media/{schema}/{name};x=1",
        f"/media/{schema}/{name}?download=1",
        f"/media/{schema}/private%2f{rest}",
        f"/media/{schema}/private/./{rest}",
        f"/media/{schema}/private//{rest}",
        f"/media/{schema}/facilities/{name}",
        f"/MEDIA/{schema}/{name}",
        f"/media/{schema.upper()}/{name}",
        f"//media/{schema}/{name}",
        f"/media//{schema}/{name}",
        f"/static/../media/{schema}/{name}",
    ]


@pytest.fixture
def callers(world, apex, on_host):
    """Every host, anonymous and as another institution's staff (and a resident) — and the
    institution's own administrator on its host: private files never come from /media/."""
    out = []
    for host_name, make in (
        ("apex", lambda user: apex(user)),
        ("inst_a", lambda user: on_host(world.inst_a, user)),
        ("inst_b", lambda user: on_host(world.inst_b, user)),
    ):
        for who in (None, world.staff_b, world.resident):
            out.append((host_name, getattr(who, "email", "anonymous"), make(who)))
    out.append(("inst_a", world.admin_a.email, on_host(world.inst_a, world.admin_a)))
    return out


def _leaks(callers, paths) -> list:
    leaks = []
    for path in paths:
        for host_name, who, client in callers:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.status_code < 300 or SECRET in body:
                leaks.append((host_name, who, path, response.status_code))
    return leaks


@pytest.mark.parametrize("name", [PRIVATE_FILES[0], PRIVATE_FILES[2]])
def test_no_encoding_of_a_private_path_is_served_by_media(media, world, callers, name):
    assert _leaks(callers, variants(world.inst_a.schema_name, name)) == []


def test_no_kind_of_private_file_is_served_by_media(media, world, callers):
    schema = world.inst_a.schema_name
    for name in PRIVATE_FILES:
        paths = variants(schema, name)
        assert _leaks(callers, [paths[0], paths[4], paths[10], paths[24]]) == []


def test_symlinks_out_of_a_public_folder_are_not_followed(media, world, on_host):
    schema = media / world.inst_a.schema_name
    (schema / "facilities" / "1" / "link").symlink_to(schema / "private")
    (schema / "facilities" / "1" / "photo.png").symlink_to(schema / "private/staff/legacy.png")
    client = on_host(world.inst_a, world.admin_a)
    base = f"/media/{world.inst_a.schema_name}/facilities/1"
    assert client.get(f"{base}/link/staff/legacy.png").status_code == 404
    assert client.get(f"{base}/photo.png").status_code == 404


def test_public_files_are_still_served_on_their_hosts_only(media, world, apex, on_host):
    photo = f"/media/{world.inst_a.schema_name}/facilities/1/hall.jpg"
    response = on_host(world.inst_a).get(photo)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PUBLIC
    assert "sandbox" in response["Content-Security-Policy"]
    assert on_host(world.inst_b).get(photo).status_code == 404
    assert apex().get(photo).status_code == 404
    assert apex().get("/media/public/logo/a.png").status_code == 200
    assert on_host(world.inst_b).get("/media/public/logo/a.png").status_code == 200
    # Other folders of the institution are not public, even without "private" in the name.
    (media / world.inst_a.schema_name / "exports").mkdir()
    (media / world.inst_a.schema_name / "exports" / "x.txt").write_bytes(SECRET)
    (media / world.inst_a.schema_name / "top.txt").write_bytes(SECRET)
    for path in ("exports/x.txt", "top.txt", "facilities/1/", "facilities/1", "facilities"):
        assert (
            on_host(world.inst_a).get(f"/media/{world.inst_a.schema_name}/{path}").status_code
            == 404
        )


def test_legacy_private_file_stays_readable_through_the_checked_view(
    media, world, on_host, in_schema
):
    with in_schema(world.inst_a):
        StaffProfile.objects.update_or_create(
            user=world.staff_a, defaults={"photo": "private/staff/legacy.png"}
        )
    url = f"/staff/directory/{world.staff_a.pk}/photo/"
    response = on_host(world.inst_a, world.staff_a2).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SECRET
    assert on_host(world.inst_a).get(url).status_code == 302
    assert on_host(world.inst_a, world.staff_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    assert on_host(world.inst_b, world.staff_b).get(url).status_code == 404


def test_new_private_files_get_unguessable_names(media, world, in_schema):
    with in_schema(world.inst_a):
        first = default_storage.save("private/staff/홍길동.png", ContentFile(b"x"))
        second = default_storage.save("private/staff/홍길동.png", ContentFile(b"y"))
        public = default_storage.save("facilities/1/a.jpg", ContentFile(b"z"))
    for name in (first, second):
        assert re.fullmatch(r"private/staff/[0-9a-f]{32}/홍길동\.png", name), name
    assert first != second
    assert public == "facilities/1/a.jpg"
    already = "private/approval/1/0123456789abcdef0123456789abcdef/x.pdf"
    assert unguessable_name(already) == already


def test_offload_hands_the_allowed_file_to_the_web_server(
    media, world, on_host, in_schema, settings
):
    with in_schema(world.inst_a):
        StaffProfile.objects.update_or_create(
            user=world.staff_a, defaults={"photo": "private/staff/legacy.png"}
        )
    url = f"/staff/directory/{world.staff_a.pk}/photo/"
    settings.SUITE_FILE_OFFLOAD = "x-accel-redirect"
    response = on_host(world.inst_a, world.staff_a2).get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        f"/_protected/{world.inst_a.schema_name}/private/staff/legacy.png"
    )
    assert response.content == b""
    assert response["Content-Type"] == "image/png"
    refused = on_host(world.inst_a, world.staff_b).get(url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    settings.SUITE_FILE_OFFLOAD = "x-sendfile"
    response = on_host(world.inst_a, world.staff_a2).get(url)
    assert response["X-Sendfile"] == str(
        (media / world.inst_a.schema_name / "private/staff/legacy.png").resolve()
    )
    # The public media view goes the same way.
    photo = on_host(world.inst_a).get(f"/media/{world.inst_a.schema_name}/facilities/1/hall.jpg")
    assert photo["X-Sendfile"].endswith("facilities/1/hall.jpg")
