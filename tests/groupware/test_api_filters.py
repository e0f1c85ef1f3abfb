"""API list filters (api.filtersets FilterSets): a value that does not parse is a 400 in the
one error shape, with the message under the parameter's name; good values filter."""

import pytest

BAD = [
    ("/api/v1/people/", {"department": "abc"}, "department"),
    ("/api/v1/people/", {"department": "0"}, "department"),
    ("/api/v1/posts/", {"important": "maybe"}, "important"),
    ("/api/v1/posts/", {"board": str(2**63)}, "board"),
    ("/api/v1/absences/", {"date": "2026-13-45"}, "date"),
    ("/api/v1/absences/", {"date": "1800-01-01"}, "date"),
    ("/api/v1/documents/", {"box": "bogus"}, "box"),
    ("/api/v1/documents/", {"state": "lost"}, "state"),
    ("/api/v1/post-reports/", {"open": "perhaps"}, "open"),
    ("/api/v1/people/", {"ordering": "password"}, "ordering"),
]


@pytest.mark.parametrize("path, params, field", BAD)
def test_unparsable_filter_is_400_on_its_field(world, org, on_host, path, params, field):
    response = on_host(world.inst_a, world.staff_a).get(path, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_people_filter_by_department_includes_sub_departments(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    everyone = client.get("/api/v1/people/").json()["count"]
    division = client.get("/api/v1/people/", {"department": org.division.pk}).json()
    assert 0 < division["count"] <= everyone


def test_posts_important_filter_is_strict_boolean(world, org, on_host):
    client = on_host(world.inst_a, world.staff_a)
    for value in ("true", "false", "1", "0"):
        assert client.get("/api/v1/posts/", {"important": value}).status_code == 200
