"""Directory: search by name, department and duty; org chart; vCard per person."""

import pytest


def test_search_by_name_department_and_duty(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    by_name = client.get("/staff/directory/", {"q": world.staff_a2.name}).content.decode()
    assert f"/staff/directory/{world.staff_a2.pk}/" in by_name
    by_duty = client.get("/staff/directory/", {"q": "차량"}).content.decode()
    assert f"/staff/directory/{world.staff_a2.pk}/" in by_duty
    assert f'/staff/directory/{world.staff_a.pk}/"' not in by_duty
    by_department = client.get(
        "/staff/directory/", {"department": org.planning.pk}
    ).content.decode()
    assert f"/staff/directory/{world.admin_a.pk}/" in by_department
    assert f"/staff/directory/{world.manager_a.pk}/" not in by_department
    by_department_name = client.get("/staff/directory/", {"q": "총무팀"}).content.decode()
    assert f"/staff/directory/{world.manager_a.pk}/" in by_department_name


def test_directory_never_lists_other_institutions_people(world, org, org_b, on_host):
    body = on_host(world.inst_a, world.staff_a).get("/staff/directory/").content.decode()
    assert world.staff_b.name not in body
    assert (
        on_host(world.inst_a, world.staff_a)
        .get(f"/staff/directory/{world.staff_b.pk}/")
        .status_code
        == 404
    )


@pytest.mark.parametrize("path", ["/staff/directory/", "/staff/org/", "/staff/"])
def test_workspace_pages_refuse_outsiders(world, org, on_host, path):
    assert on_host(world.inst_a).get(path).status_code == 302
    assert on_host(world.inst_a, world.resident).get(path).status_code == 404
    assert on_host(world.inst_a, world.staff_b).get(path).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(path).status_code == 200


def test_org_chart_is_a_printable_tree(world, org, on_host):
    body = on_host(world.inst_a, world.staff_a).get("/staff/org/").content.decode()
    hq, division, planning = body.index("경영본부"), body.index("경영지원부"), body.index("기획팀")
    assert hq < division < planning
    assert world.admin_a.name in body and "data-print" in body


def test_person_page_and_vcard(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    page = client.get(f"/staff/directory/{world.staff_a2.pk}/").content.decode()
    assert "차량 관리" in page and "총무팀" in page
    response = client.get(f"/staff/directory/{world.staff_a2.pk}/vcard.vcf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    text = response.content.decode()
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:3.0"
    assert f"FN:{world.staff_a2.name}" in lines
    assert f"EMAIL;TYPE=INTERNET,WORK:{world.staff_a2.email}" in lines
    assert "TITLE:주임" in lines
    assert any(line.startswith("ORG:") and "총무팀" in line for line in lines)
    assert text.endswith("END:VCARD\r\n")
    assert (
        on_host(world.inst_a, world.staff_b)
        .get(f"/staff/directory/{world.staff_a2.pk}/vcard.vcf")
        .status_code
        == 404
    )


def test_members_without_profile_are_listed_as_unplaced(world, on_host):
    body = on_host(world.inst_a, world.staff_a).get("/staff/directory/").content.decode()
    assert "부서 미배치" in body and world.staff_a2.name in body


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_photo_is_private_and_served_to_colleagues(world, org, on_host, in_schema):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from groupware.models import StaffProfile

    own = on_host(world.inst_a, world.staff_a)
    response = own.post(
        f"/staff/directory/{world.staff_a.pk}/edit/",
        {
            "extension": "321",
            "photo": SimpleUploadedFile("me.png", _png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    with in_schema(world.inst_a):
        photo = StaffProfile.objects.get(user=world.staff_a).photo
    assert photo.name.startswith("private/staff/")
    url = f"/staff/directory/{world.staff_a.pk}/photo/"
    assert on_host(world.inst_a, world.staff_a2).get(url).status_code == 200
    assert on_host(world.inst_a, world.staff_b).get(url).status_code == 404
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    assert (
        on_host(world.inst_a).get(f"/media/{world.inst_a.schema_name}/{photo.name}").status_code
        == 404
    )
    with in_schema(world.inst_a):
        photo.delete(save=False)
