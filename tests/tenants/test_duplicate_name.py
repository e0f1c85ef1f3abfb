"""The console and the platform API refuse a second institution with the same name
(spaces and case aside), with the error next to the field / in the error shape, and
create nothing."""

from tests.tenants.conftest import NOTHING, leftovers


def test_console_form_refuses_the_same_name(world, apex):
    for name in (world.inst_a.name, "  " + world.inst_a.name.replace(" ", "  ") + " "):
        response = apex(world.operator).post(
            "/console/new/", {"slug": "twin", "name": name, "short_name": "쌍둥이"}
        )
        assert response.status_code in (200, 400)
        errors = response.context["form"].errors
        assert "name" in errors and "이미 있습니다" in errors["name"][0]
        assert leftovers("twin") == NOTHING


def test_api_refuses_the_same_name_in_the_error_shape(world, apex):
    response = apex(world.operator).post(
        "/api/v1/institutions/",
        {"slug": "twin", "name": world.inst_b.name.upper(), "short_name": "쌍둥이"},
        content_type="application/json",
    )
    assert response.status_code in (400, 409)
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and "name" in error["fields"]
    assert leftovers("twin") == NOTHING


def test_a_different_name_is_fine_and_renaming_onto_another_is_refused(world, on_host):
    response = on_host(world.inst_a, world.admin_a).post(
        "/manage/profile/",
        {"name": world.inst_b.name, "short_name": world.inst_a.short_name},
    )
    assert response.status_code == 400
    world.inst_a.refresh_from_db()
    assert world.inst_a.name != world.inst_b.name
