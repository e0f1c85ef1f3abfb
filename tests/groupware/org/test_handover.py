"""인계인수: a leaver's pending work moves to a successor in one recorded action."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groupware.boards.models import Board, Post
from groupware.models import Absence, StaffProfile
from groupware.org import services
from groupware.schedule import services as cal_services
from groupware.schedule.models import Attendee, Event
from institution.models import AuditEvent


def _setup(world, org):
    now = timezone.now()
    inst = world.inst_a
    shared = cal_services.department_calendar(org.planning)
    invite = cal_services.event_create(
        actor=world.admin_a,
        institution=inst,
        calendar=shared,
        title="기획 회의",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        attendees=[world.staff_a],
    )
    organised = cal_services.event_create(
        actor=world.staff_a,
        institution=inst,
        calendar=shared,
        title="예산 설명회",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
    )
    personal = cal_services.event_create(
        actor=world.staff_a,
        institution=inst,
        calendar=cal_services.personal_calendar(world.staff_a),
        title="외부 미팅",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=1),
    )
    absence = Absence.objects.create(
        user=world.admin_a,
        kind="leave",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=6),
        deputy=world.staff_a,
    )
    board = Board.objects.create(name="자유게시판", kind="free")
    post = Post.objects.create(board=board, title="내 글", author=world.staff_a)
    return invite, organised, personal, absence, post


def test_handover_moves_pending_work_and_keeps_authorship(world, org, in_schema):
    with in_schema(world.inst_a):
        invite, organised, personal, absence, post = _setup(world, org)
        moved = services.handover(
            actor=world.admin_a,
            institution=world.inst_a,
            from_user=world.staff_a,
            to_user=world.staff_a2,
            reason="퇴직",
            deactivate_profile=True,
        )
        assert moved["invitations"] == 1 and moved["events"] == 1 and moved["deputies"] == 1
        assert moved["personal_events"] == 1
        assert Attendee.objects.get(event=invite).user == world.staff_a2
        assert Event.objects.get(pk=organised.pk).created_by == world.staff_a2
        assert Event.objects.get(pk=personal.pk).calendar.owner == world.staff_a2
        assert Absence.objects.get(pk=absence.pk).deputy == world.staff_a2
        assert Post.objects.get(pk=post.pk).author == world.staff_a  # authorship is history
        assert StaffProfile.objects.get(user=world.staff_a).is_active is False
        event = AuditEvent.objects.get(action="handover")
        assert event.data["to_user"] == world.staff_a2.pk and event.reason == "퇴직"
        # the approval engineer's hook answered (or reported "not there") — never crashed
        assert "approval" in moved


def test_handover_needs_admin_and_distinct_member(world, org, in_schema):
    with in_schema(world.inst_a):
        invite, *_ = _setup(world, org)
        with pytest.raises(PermissionDenied):
            services.handover(
                actor=world.staff_a,
                institution=world.inst_a,
                from_user=world.staff_a,
                to_user=world.staff_a2,
            )
        with pytest.raises(ValidationError):
            services.handover(
                actor=world.admin_a,
                institution=world.inst_a,
                from_user=world.staff_a,
                to_user=world.staff_a,
            )
        with pytest.raises(ValidationError):
            services.handover(
                actor=world.admin_a,
                institution=world.inst_a,
                from_user=world.staff_a,
                to_user=world.staff_b,
            )
        assert Attendee.objects.get(event=invite).user == world.staff_a
        assert not AuditEvent.objects.filter(action="handover").exists()


def test_handover_page(world, org, on_host, in_schema):
    with in_schema(world.inst_a):
        _setup(world, org)
    url = "/staff/org/handover/"
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 403
    assert on_host(world.inst_a, world.admin_b).get(url).status_code == 404
    client = on_host(world.inst_a, world.admin_a)
    same = client.post(url, {"from_user": world.staff_a.pk, "to_user": world.staff_a.pk})
    assert same.status_code == 400 and "같을 수 없습니다" in same.content.decode()
    done = client.post(
        url, {"from_user": world.staff_a.pk, "to_user": world.staff_a2.pk, "reason": "전보"}
    )
    assert done.status_code == 200 and "옮긴 항목" in done.content.decode()
    with in_schema(world.inst_a):
        assert AuditEvent.objects.filter(action="handover").count() == 1


def test_handover_sends_the_checked_request_to_every_participant(
    world, org, in_schema, monkeypatch
):
    """Contract ``accounts.handover``: each registered participant gets the request inside
    the handover's transaction and reports what it moved."""
    from accounts.handover import Handover, handover_participants

    assert handover_participants.keys() == ["approval", "calendar", "facility_bookings"]
    calls = []

    def approval(request: Handover):
        calls.append((request.from_user, request.to_user, request.actor))
        return 2

    monkeypatch.setitem(handover_participants._receivers, "approval", approval)
    with in_schema(world.inst_a):
        moved = services.handover(
            actor=world.admin_a,
            institution=world.inst_a,
            from_user=world.staff_a,
            to_user=world.staff_a2,
        )
        assert moved["approval"] == 2
        assert calls == [(world.staff_a, world.staff_a2, world.admin_a)]
        assert AuditEvent.objects.get(action="handover").data["moved"]["approval"] == 2


def test_handover_moves_a_weekly_meeting_that_began_weeks_ago(world, org, in_schema):
    """Its first meeting is past but more are to come: organiser and invitation both move."""
    now = timezone.now()
    with in_schema(world.inst_a):
        weekly = cal_services.event_create(
            actor=world.staff_a,
            institution=world.inst_a,
            calendar=cal_services.department_calendar(org.planning),
            title="주간 업무 회의",
            starts_at=now - timedelta(days=21),
            ends_at=now - timedelta(days=21, hours=-1),
            repeat="WEEKLY",
        )
        invited = cal_services.event_create(
            actor=world.admin_a,
            institution=world.inst_a,
            calendar=cal_services.department_calendar(org.planning),
            title="월간 보고",
            starts_at=now - timedelta(days=40),
            ends_at=now - timedelta(days=40, hours=-1),
            repeat="MONTHLY",
            attendees=[world.staff_a],
        )
        moved = services.handover(
            actor=world.admin_a,
            institution=world.inst_a,
            from_user=world.staff_a,
            to_user=world.staff_a2,
        )
        assert moved["events"] == 1 and moved["invitations"] == 1
        assert Event.objects.get(pk=weekly.pk).created_by == world.staff_a2
        assert Attendee.objects.get(event=invited).user == world.staff_a2
