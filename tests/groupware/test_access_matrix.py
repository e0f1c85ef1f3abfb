"""Every groupware and approval page and API list × who asks.

One rule (accounts.access.staff_page / StaffPermission): a resident and another
institution's staff get the 404 of a page that does not exist, a member without the
capability 403, a member with it 2xx. Anonymous callers go to log-in (pages) or 401 (API).
"""

import pytest

# path, capability holder (None: any member), member without the capability (None: n/a)
PAGES = [
    ("/staff/", None),
    ("/staff/directory/", None),
    ("/staff/org/", None),
    ("/staff/absences/", None),
    ("/staff/resources/", None),
    ("/staff/org/departments/", "admin"),
    ("/staff/org/positions/", "admin"),
    ("/staff/org/handover/", "admin"),
    ("/staff/boards/", None),
    ("/staff/boards/new/", "admin"),
    ("/staff/calendar/", None),
    ("/staff/calendar/week/", None),
    ("/staff/calendar/day/", None),
    ("/staff/calendar/calendars/", None),
    ("/staff/calendar/events/new/", None),
    ("/staff/approval/", None),
    ("/staff/approval/box/drafts/", None),
    ("/staff/approval/new/", None),
    ("/staff/approval/leave/", None),
    ("/staff/approval/notifications/", None),
    ("/staff/approval/delegation/", None),
    ("/staff/approval/lines/", None),
    ("/staff/approval/forms/", None),
    ("/staff/approval/forms/new/", "admin"),
    ("/staff/approval/seal/", "admin"),
    ("/staff/approval/settings/", "admin"),
    ("/staff/approval/records/", None),
    ("/staff/approval/records/box/", None),
    ("/staff/approval/records/retention/", "admin"),
    ("/staff/exchange/", None),
    ("/staff/exchange/box/department/", None),
    ("/staff/exchange/box/waiting/", "admin"),  # 문서과 (admins while none is marked)
    ("/staff/exchange/sent/", None),
]
API = [
    ("/api/v1/departments/", None),
    ("/api/v1/people/", None),
    ("/api/v1/boards/", None),
    ("/api/v1/posts/", None),
    ("/api/v1/events/", None),
    ("/api/v1/absences/", None),
    ("/api/v1/documents/", None),
    ("/api/v1/leave/balance/", None),
    ("/api/v1/post-reports/", None),
    ("/api/v1/forms/", None),
    ("/api/v1/lines/proposal/", None),
    ("/api/v1/registers/", None),
    ("/api/v1/exchange/received/", None),
    ("/api/v1/exchange/received/?box=waiting", "admin"),
    ("/api/v1/exchange/sent/", None),
    ("/api/v1/exchange/institutions/", None),
]


def _holder(world, capability):
    return world.admin_a if capability == "admin" else world.staff_a


@pytest.mark.parametrize("path, capability", PAGES + API)
def test_outsiders_get_404_members_2xx(world, org, on_host, path, capability):
    assert on_host(world.inst_a, world.resident).get(path).status_code == 404
    assert on_host(world.inst_a, world.staff_b).get(path).status_code == 404
    if capability == "admin":
        assert on_host(world.inst_a, world.staff_a).get(path).status_code == 403
    assert on_host(world.inst_a, _holder(world, capability)).get(path).status_code == 200


@pytest.mark.parametrize("path, _capability", PAGES)
def test_pages_send_anonymous_to_log_in(world, org, on_host, path, _capability):
    response = on_host(world.inst_a).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path, _capability", API)
def test_api_answers_anonymous_401(world, org, on_host, path, _capability):
    response = on_host(world.inst_a).get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


WRITES = [
    # path, body, who may (admin), expected success status
    ("/api/v1/departments/", {"name": "매트릭스팀"}, 201),
]


@pytest.mark.parametrize("path, body, created", WRITES)
def test_admin_writes_matrix(world, org, on_host, path, body, created):
    def post(user):
        return on_host(world.inst_a, user).post(path, body, content_type="application/json")

    assert post(world.resident).status_code == 404
    assert post(world.staff_b).status_code == 404
    assert post(world.staff_a).status_code == 403
    assert post(world.admin_a).status_code == created
