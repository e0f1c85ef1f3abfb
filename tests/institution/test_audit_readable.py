"""The audit log reads as words in the reader's language, never raw codes such as
``member.role``; its filters (action, person, dates) survive paging; the member list's
search survives a change of role or status; /manage/ answers."""

import re

from django.utils import translation

from institution.audit import action_label, audit_record
from institution.models import AuditEvent


def test_every_action_code_in_use_reads_as_words():
    codes = [
        "member.invite",
        "member.role",
        "member.deactivate",
        "facility_booking.approve",
        "facility_booking.discount_refused",
        "website.page_publish",
        "website.job_delete",
        "approval.register_dispose",
        "programs.roster_export",
        "handover",
        "something.brand_new",
    ]
    for code in codes:
        label = action_label(code)
        assert label and "." not in label and "_" not in label.replace("brand_new", ""), code
    assert action_label("member.role") == "구성원 역할 변경"
    assert action_label("website.page_publish") == "홈페이지 · 페이지 게시"
    with translation.override("en"):
        assert action_label("member.role") == str(translation.gettext("구성원 역할 변경"))


def test_audit_page_shows_words_and_keeps_filters(world, on_host, in_schema):
    with in_schema(world.inst_a):
        for n in range(55):
            audit_record(actor=world.admin_a, action="member.role", summary=f"역할 변경 {n}")
        audit_record(actor=world.manager_a, action="facility_booking.approve", summary="승인")
    client = on_host(world.inst_a, world.admin_a)
    page = client.get("/manage/audit/").content.decode()
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "구성원 역할 변경" in table and "대관 승인" in table
    assert "member.role" not in re.sub(r'data-code="[^"]*"', "", table)
    options = page.split('id="action"')[1].split("</select>")[0]
    assert ">구성원 역할 변경<" in options and ">member.role<" not in options
    filtered = client.get("/manage/audit/", {"action": "member.role", "actor": "관리자"})
    body = filtered.content.decode()
    assert "대관 승인" not in body.split("<tbody>")[1]
    # the next page keeps the filters
    nxt = re.search(r'href="\?([^"]*page=2)"', body).group(1).replace("&amp;", "&")
    assert "action=member.role" in nxt and "actor=" in nxt
    second = client.get(f"/manage/audit/?{nxt}").content.decode()
    assert 'value="member.role" selected' in second
    with in_schema(world.inst_a):
        assert AuditEvent.objects.filter(action="member.role").count() == 55


def test_member_search_survives_a_role_change(world, on_host, in_schema):
    from accounts.models import Membership

    client = on_host(world.inst_a, world.admin_a)
    membership = Membership.objects.get(user=world.staff_a, institution=world.inst_a)
    response = client.post(
        f"/manage/members/{membership.pk}/role/",
        {"role": "facility_manager", "reason": "업무 조정", "q": world.staff_a.name},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?q={world.staff_a.name}") or "q=" in response["Location"]
    membership.refresh_from_db()
    assert membership.role == "facility_manager"


def test_manage_answers_for_admins_only(world, on_host):
    response = on_host(world.inst_a, world.admin_a).get("/manage/")
    assert response.status_code == 302 and response["Location"] == "/manage/members/"
    assert on_host(world.inst_a, world.staff_a).get("/manage/").status_code == 403
    # an outsider is refused exactly as on the member list
    outsider = on_host(world.inst_a, world.resident)
    assert outsider.get("/manage/").status_code == outsider.get("/manage/members/").status_code
    assert on_host(world.inst_a).get("/manage/").status_code == 302
