"""감면 (discounts): age from the profile's birth date, residency from the declared
address, proofs (PDF/JPG/PNG checked by content, size-limited, private, deleted after
the booking ends), staff accept or refuse with the fee recomputed and the applicant
told why."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image

from facility_booking import services
from facility_booking.errors import message
from facility_booking.models import DiscountProof, Reservation
from notifications.models import Notification
from tests.facility_booking.conftest import add_discounts, at, make_facility, request_kwargs

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def jpg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def hall(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="대공연장", base_fee=10_000)
        add_discounts(facility, senior=30, disability=50, city_resident=10)
    return facility


def claim(world, facility, person, categories, **extra):
    with schema_context(world.inst_a.schema_name):
        return services.reservation_request(
            **request_kwargs(facility, person, discount_categories=categories, **extra)
        )


# -- eligibility from the profile ------------------------------------------------------


def test_senior_discount_needs_a_birth_date_making_the_person_65_on_the_day(world, hall):
    person = world.resident
    person.birth_date = None
    person.save()
    with pytest.raises(Exception) as caught:
        claim(world, hall, person, ["senior"])
    assert message("senior_birth_date") in str(caught.value)
    day = at(3, 10).date()
    person.birth_date = day.replace(year=day.year - 65) + dt.timedelta(days=1)  # 64 that day
    person.save()
    with pytest.raises(Exception) as caught:
        claim(world, hall, person, ["senior"])
    assert message("senior_age", age=65) in str(caught.value)
    person.birth_date = day.replace(year=day.year - 65)  # 65 on the day of use
    person.save()
    r = claim(world, hall, person, ["senior"])
    assert (r.discount_category, r.total_amount) == ("senior", 14_000)


def test_residency_discount_needs_a_declared_address_in_the_city(world, hall):
    world.inst_a.address = "가나시 중앙로 100"
    world.inst_a.save()
    person = world.resident
    person.address = ""
    person.save()
    with pytest.raises(Exception) as caught:
        claim(world, hall, person, ["city_resident"])
    assert message("resident_address") in str(caught.value)
    person.address = "다라시 북로 3"
    person.save()
    with pytest.raises(Exception) as caught:
        claim(world, hall, person, ["city_resident"])
    assert message("resident_outside", city="가나시") in str(caught.value)
    person.address = "가나시 남로 7"
    person.save()
    assert claim(world, hall, person, ["city_resident"]).total_amount == 18_000


def test_apply_page_refuses_an_ineligible_claim_with_a_korean_error_and_stores_nothing(
    world, hall, on_host
):
    world.resident.birth_date = None
    world.resident.save()
    day = at(3, 10).date().isoformat()
    response = on_host(world.inst_a, world.resident).post(
        f"/facilities/{hall.pk}/apply/",
        {
            "date": day,
            "start_time": "10:00",
            "end_time": "12:00",
            "purpose": "모임",
            "headcount": 5,
            "contact_phone": "010-1111-2222",
            "discount_categories": ["senior"],
            "action": "submit",
            "consent_booking_required": "on",
        },
    )
    assert response.status_code == 400
    assert "생년월일" in response.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert not Reservation.objects.filter(facility=hall).exists()


# -- proofs ------------------------------------------------------------------------------


def test_proof_attached_when_applying_is_kept_privately(world, hall, on_host):
    day = at(3, 10).date().isoformat()
    client = on_host(world.inst_a, world.resident)
    response = client.post(
        f"/facilities/{hall.pk}/apply/",
        {
            "date": day,
            "start_time": "10:00",
            "end_time": "12:00",
            "purpose": "모임",
            "headcount": 5,
            "contact_phone": "010-1111-2222",
            "discount_categories": ["disability"],
            "discount_proof": SimpleUploadedFile("복지카드.pdf", PDF, "application/pdf"),
            "action": "submit",
            "consent_booking_required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-4000:]
    with schema_context(world.inst_a.schema_name):
        r = Reservation.objects.get(facility=hall)
        proof = r.proofs.get()
        assert (proof.category, proof.content_type, proof.size) == (
            "disability",
            "application/pdf",
            len(PDF),
        )
        assert proof.file.name.startswith("private/discount-proofs/")
        assert "복지카드" not in proof.file.name  # unguessable stored name
    url = f"/facilities/bookings/{r.pk}/proofs/{proof.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert on_host(world.inst_a, world.manager_a).get(url).status_code == 200
    assert on_host(world.inst_a, world.resident2).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 404
    assert on_host(world.inst_b, world.manager_b).get(url).status_code == 404
    assert on_host(world.inst_a).get(url).status_code == 302
    # never under a served media path
    media = f"/media/{world.inst_a.schema_name}/{proof.file.name}"
    assert on_host(world.inst_a, world.manager_a).get(media).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("증명서.pdf", b"MZ\x90\x00 this is an exe renamed", "proof_type"),
        ("사진.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "proof_type"),
        ("증명서.pdf", b"%PDF-1.4 no end marker", "proof_type"),
        ("큰파일.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"%%EOF", "proof_size"),
    ],
)
def test_bad_proofs_are_refused_by_content_and_size(world, hall, on_host, name, content, error):
    r = claim(world, hall, world.resident, ["disability"])
    response = on_host(world.inst_a, world.resident).post(
        f"/facilities/my/{r.pk}/proofs/",
        {"category": "disability", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )
    assert response.status_code == 400
    text = message(error, mb=5) if error == "proof_size" else message(error)
    assert text in response.content.decode()
    with schema_context(world.inst_a.schema_name):
        assert not DiscountProof.objects.filter(reservation_id=r.pk).exists()


def test_png_and_jpg_proofs_upload_from_the_hub(world, hall, apex):
    r = claim(world, hall, world.resident, ["disability", "senior"])
    client = apex(world.resident)
    for name, data in (("카드.png", png_bytes()), ("카드.jpg", jpg_bytes())):
        response = client.post(
            f"/portal/my/bookings/testa/{r.pk}/proofs/",
            {"category": "disability", "file": SimpleUploadedFile(name, data, "image/png")},
        )
        assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        assert sorted(DiscountProof.objects.values_list("content_type", flat=True)) == [
            "image/jpeg",
            "image/png",
        ]
    # a category not claimed, and someone else's booking
    response = client.post(
        f"/portal/my/bookings/testa/{r.pk}/proofs/",
        {"category": "city_resident", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code == 400
    assert (
        apex(world.resident2)
        .post(
            f"/portal/my/bookings/testa/{r.pk}/proofs/",
            {"category": "disability", "file": SimpleUploadedFile("x.pdf", PDF)},
        )
        .status_code
        == 404
    )


def test_proof_files_are_deleted_after_the_booking_ended(world, hall):
    """One destruction path: the privacy retention kind "discount_proof" (its period set
    per institution), run daily by destroy_expired_data, with a destruction record."""
    from privacy import retention
    from privacy.models import DestructionRecord

    r = claim(world, hall, world.resident, ["disability"])
    with schema_context(world.inst_a.schema_name):
        proof = services.proof_add(
            actor=world.resident,
            reservation=r,
            category="disability",
            upload=SimpleUploadedFile("a.pdf", PDF),
        )
        storage, name = proof.file.storage, proof.file.name
        assert storage.exists(name)
        retention.retention_set(actor=world.admin_a, key="discount_proof", days=45)
        assert retention.destroy_due(now=r.end + dt.timedelta(days=31))["discount_proof"] == 0
        assert storage.exists(name)  # the institution keeps proofs 45 days, not the default
        assert retention.destroy_due(now=r.end + dt.timedelta(days=46))["discount_proof"] == 1
        proof.refresh_from_db()
        assert proof.purged_at and not proof.file and not storage.exists(name)
        record = DestructionRecord.objects.get(kind="discount_proof")
        assert record.count == 1 and record.method
        assert retention.destroy_due(now=r.end + dt.timedelta(days=60))["discount_proof"] == 0


# -- staff decisions ------------------------------------------------------------------------


def test_staff_refuse_the_discount_fee_recomputed_and_applicant_told_why(
    world, hall, on_host, django_capture_on_commit_callbacks
):
    r = claim(world, hall, world.resident, ["disability"])
    assert r.total_amount == 10_000
    url = f"/facilities/manage/bookings/{r.pk}/discount/"
    # a refusal needs a reason: nothing changes without one
    response = on_host(world.inst_a, world.manager_a).post(url, {"decision": "refuse"})
    assert response.status_code == 400
    with schema_context(world.inst_a.schema_name):
        assert Reservation.objects.get(pk=r.pk).total_amount == 10_000
    # plain staff may not decide (403); residents and another institution's staff get 404
    assert (
        on_host(world.inst_a, world.resident).post(url, {"decision": "accept"}).status_code == 404
    )
    assert on_host(world.inst_a, world.staff_a).post(url, {"decision": "accept"}).status_code == 403
    assert (
        on_host(world.inst_a, world.manager_b).post(url, {"decision": "accept"}).status_code == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = on_host(world.inst_a, world.manager_a).post(
            url, {"decision": "refuse", "reason": "복지카드 유효기간이 지났습니다."}
        )
    assert response.status_code == 302
    with schema_context(world.inst_a.schema_name):
        r = Reservation.objects.get(pk=r.pk)
        assert (r.discount_decision, r.discount_category, r.total_amount) == ("refused", "", 20_000)
        assert r.events.filter(reason__contains="감면 불가").exists()
    told = Notification.objects.get(recipient=world.resident, event="discount_decided")
    (delivery,) = told.deliveries.all()
    assert "복지카드 유효기간이 지났습니다." in delivery.body and "20,000원" in delivery.body
    assert "적용할 수 없습니다" in delivery.body


def test_staff_accept_the_discount_and_approve(world, hall, on_host):
    r = claim(world, hall, world.resident, ["disability", "senior"])
    client = on_host(world.inst_a, world.manager_a)
    assert (
        client.post(
            f"/facilities/manage/bookings/{r.pk}/discount/", {"decision": "accept"}
        ).status_code
        == 302
    )
    with schema_context(world.inst_a.schema_name):
        r = Reservation.objects.get(pk=r.pk)
        assert (r.discount_decision, r.discount_category, r.total_amount) == (
            "accepted",
            "disability",
            10_000,
        )
        assert r.discount_confirmed
    page = client.get(f"/facilities/manage/bookings/{r.pk}/").content.decode()
    assert "증빙 확인(감면 적용)" in page


def test_no_discount_decision_once_paid(world, hall):
    r = claim(world, hall, world.resident, ["disability"])
    with schema_context(world.inst_a.schema_name):
        r = services.reservation_approve(actor=world.manager_a, reservation=r)
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=r.total_amount, method="cash"
        )
        with pytest.raises(Exception) as caught:
            services.discount_decide(actor=world.manager_a, reservation=r, accept=False, reason="x")
        assert message("discount_state") in str(caught.value)
        assert Reservation.objects.get(pk=r.pk).total_amount == 10_000
