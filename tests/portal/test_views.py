"""Portal pages on the apex: search, my bookings across institutions."""

from portal import index


def test_search_page_lists_matches_with_institution(world, apex):
    index.publish(
        institution=world.inst_b,
        kind="facility",
        key=9,
        title="인조잔디 축구장",
        url="http://x/f/9",
    )
    response = apex().get("/portal/search/", {"q": "축구장"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "인조잔디 축구장" in body
    assert world.inst_b.name in body


def test_search_with_odd_input_never_fails(world, apex):
    for params in ({"q": "%' OR 1=1 --"}, {"kind": "nope"}, {"page": "abc"}, {"q": "가" * 500}):
        assert apex().get("/portal/search/", params).status_code == 200


def test_my_bookings_needs_login(world, apex):
    response = apex().get("/portal/my/bookings/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_bookings_shows_only_mine_from_every_institution(world, apex):
    index.publish(
        institution=world.inst_a,
        kind="booking",
        key="A-1",
        title="대공연장 12월 5일",
        owner=world.resident,
    )
    index.publish(
        institution=world.inst_b,
        kind="booking",
        key="B-1",
        title="체육관 12월 6일",
        owner=world.resident,
    )
    index.publish(
        institution=world.inst_b,
        kind="booking",
        key="B-2",
        title="남의 예약",
        owner=world.resident2,
    )
    body = apex(world.resident).get("/portal/my/bookings/").content.decode()
    assert "대공연장 12월 5일" in body and "체육관 12월 6일" in body
    assert "남의 예약" not in body


def test_my_institutions_on_the_portal_hide_suspended_ones(world, apex):
    from tenants.models import Institution

    client = apex(world.staff_a)
    assert world.inst_a.absolute_url() in client.get("/").content.decode()
    Institution.objects.filter(pk=world.inst_a.pk).update(status=Institution.Status.SUSPENDED)
    assert world.inst_a.name not in client.get("/").content.decode()
