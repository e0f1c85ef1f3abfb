"""회원탈퇴: a resident signs up (consents stored), books and pays in one institution,
cancels in another, is looked at by staff, then leaves — and no schema holds their
e-mail, name or phone in any text column, while the paid booking still adds up."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Membership, Role, User, UserSession
from api.tokens import token_create
from facility_booking import reports
from facility_booking import services as fb
from facility_booking.models import Reservation, Status
from facility_booking.services.facilities import feed_for
from privacy import registry
from privacy.access_log import verify_chain
from privacy.erasure import account_blockers, account_delete, pseudonym_for
from privacy.models import AccessRecord, Consent, DestructionRecord
from tests.facility_booking.conftest import make_facility, request_kwargs
from tests.privacy.conftest import find_everywhere, needles_for


def _sign_up(apex, person):
    client = apex()
    response = client.post(
        "/accounts/signup/",
        {
            "name": person["name"],
            "email": person["email"],
            "phone": person["phone"],
            "password1": person["password"],
            "password2": person["password"],
            "consent_signup_required": "on",
            "consent_signup_phone": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client, User.objects.get(email=person["email"])


def _paid_and_used_booking(world, in_schema, user, person):
    with in_schema(world.inst_a):
        facility = make_facility()
        r = fb.reservation_request(
            **request_kwargs(
                facility,
                user,
                purpose=f"{person['name']} 가족 모임 (연락 {person['phone']})",
                contact_phone=person["phone"],
                organisation=f"{person['name']} 동호회",
            )
        )
        r = fb.reservation_approve(actor=world.manager_a, reservation=r, fee=10000)
        r = fb.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=10000, method="bank_transfer"
        )
        r = fb.reservation_complete(
            actor=world.manager_a, reservation=r, now=r.end + timezone.timedelta(hours=1)
        )
        assert r.status == Status.COMPLETED
        feed_for(user)
        return r.pk


def _cancelled_booking(world, in_schema, user, person):
    with in_schema(world.inst_b):
        facility = make_facility()
        r = fb.reservation_request(**request_kwargs(facility, user, contact_phone=person["phone"]))
        fb.reservation_cancel(actor=user, reservation=r, reason=f"{person['name']} 사정")


def test_leaving_removes_the_person_from_every_schema(
    world, apex, on_host, in_schema, person_data, django_capture_on_commit_callbacks
):
    client, user = _sign_up(apex, person_data)
    consents = {c.key: c for c in Consent.objects.filter(user_id=user.pk)}
    assert consents["signup.required"].granted and consents["signup.required"].version
    assert consents["signup.phone"].granted and consents["signup.required"].required
    booking_pk = _paid_and_used_booking(world, in_schema, user, person_data)
    _cancelled_booking(world, in_schema, user, person_data)
    token_create(user=user, name="내 스크립트")
    with in_schema(world.inst_a):
        from programs.services import application_apply
        from tests.programs.conftest import make_program

        application_apply(
            applicant=user,
            institution=world.inst_a,
            program=make_program(),
            birth_date=dt.date(1950, 3, 1),
            phone=person_data["phone"],
        )
    # A facility manager opens the booking: recorded in the institution's access log.
    manager = on_host(world.inst_a, world.manager_a)
    assert manager.get(f"/facilities/manage/bookings/{booking_pk}/").status_code == 200
    with in_schema(world.inst_a):
        total_before = Reservation.objects.filter(status=Status.COMPLETED).aggregate(
            s=Sum("total_amount")
        )["s"]
        month = Reservation.objects.get(pk=booking_pk).start.date().replace(day=1)
        report_before = reports.totals(reports.monthly(month))
        opened = AccessRecord.objects.filter(
            actor_id=world.manager_a.pk, subject_id=user.pk, action="view"
        )
        assert opened.exists()

    needles = needles_for(person_data["email"], person_data["name"], person_data["phone"])
    assert find_everywhere(needles), "the person's data should be there before leaving"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/delete/", {"password": person_data["password"], "confirm": "on"}
        )
    assert response.status_code == 200
    assert "탈퇴했습니다" in response.content.decode()

    assert find_everywhere(needles) == []

    user.refresh_from_db()
    pseudonym = pseudonym_for(user.pk)
    assert not user.is_active and user.deleted_at and user.name == pseudonym
    assert not user.has_usable_password()
    assert not UserSession.objects.filter(user=user).exists()
    with in_schema(world.inst_a):
        kept = Reservation.objects.get(pk=booking_pk)
        assert kept.applicant_id == user.pk and kept.applicant_name == pseudonym
        assert kept.total_amount == 10000
        assert (
            Reservation.objects.filter(status=Status.COMPLETED).aggregate(s=Sum("total_amount"))[
                "s"
            ]
            == total_before
        )
        assert reports.totals(reports.monthly(month)) == report_before
        assert DestructionRecord.objects.filter(kind="account").exists()
        assert opened.exists() and verify_chain().intact
    # Signing in with the old address no longer works; the address is free again.
    response = apex().post(
        "/accounts/login/",
        {"email": person_data["email"], "password": person_data["password"]},
    )
    assert response.status_code == 400
    again, _ = _sign_up(apex, person_data)
    assert User.objects.get(email=person_data["email"]).pk != user.pk


def test_a_former_staff_member_leaves_and_only_approval_records_keep_the_name(
    world, in_schema, person_data
):
    user = User.objects.create_user(
        email=person_data["email"],
        password="x-long-pass-1",
        name=person_data["name"],
        phone=person_data["phone"],
    )
    membership = Membership.objects.create(
        user=user, institution=world.inst_a, role=Role.STAFF, is_active=True
    )
    from groupware.models import StaffProfile

    with in_schema(world.inst_a):
        StaffProfile.objects.create(
            user=user, extension="1234", duties=f"{person_data['name']} 담당"
        )
    assert account_blockers(user), "current staff cannot leave"
    with pytest.raises(ValidationError):
        account_delete(user=user)
    membership.is_active = False
    membership.save()
    account_delete(user=user)
    holds = {(h.table, c) for h in registry.legal_holds() for c in h.columns}
    needles = needles_for(person_data["email"], person_data["name"], person_data["phone"])
    assert find_everywhere(needles, allowed=holds) == []
    with in_schema(world.inst_a):
        assert not StaffProfile.objects.filter(user_id=user.pk).exists()


def test_an_upcoming_booking_blocks_leaving_and_nothing_changes(
    world, apex, in_schema, person_data
):
    client, user = _sign_up(apex, person_data)
    with in_schema(world.inst_a):
        facility = make_facility()
        fb.reservation_request(**request_kwargs(facility, user))
    response = client.post(
        "/accounts/delete/", {"password": person_data["password"], "confirm": "on"}
    )
    assert response.status_code == 400
    assert "진행 중인 예약" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.email == person_data["email"] and user.deleted_at is None


def test_leaving_needs_the_password_and_the_confirmation(world, apex, person_data):
    client, user = _sign_up(apex, person_data)
    response = client.post("/accounts/delete/", {"password": "wrong-password", "confirm": "on"})
    assert (
        response.status_code == 400 and "비밀번호가 올바르지 않습니다" in response.content.decode()
    )
    response = client.post("/accounts/delete/", {"password": person_data["password"]})
    assert response.status_code == 400 and "확인했다고 표시" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None


def test_operators_and_current_staff_are_told_why_they_cannot_leave(world, apex):
    assert "플랫폼 운영자" in " ".join(account_blockers(world.operator))
    assert world.inst_a.name in " ".join(account_blockers(world.staff_a))
    assert apex().get("/accounts/delete/").status_code == 302  # anonymous → log-in
    page = apex(world.staff_a).get("/accounts/delete/").content.decode()
    assert "소속 해제" in page and "탈퇴하기" not in page


def test_pseudonym_is_stable_and_reveals_nothing(world):
    assert pseudonym_for(41) == pseudonym_for(41) != pseudonym_for(42)
    assert (
        pseudonym_for(41).startswith("탈퇴회원-") and len(pseudonym_for(41)) == len("탈퇴회원-") + 8
    )
