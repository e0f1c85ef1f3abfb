"""Permit and receipt PDFs: Korean text extracted back with pypdf; only the applicant
and booking managers may download them, and only in the right states."""

import io

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from facility_booking import documents, services
from tests.facility_booking.conftest import add_discounts, make_facility, request_kwargs


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)  # streamed from storage
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def booking(world):
    with schema_context(world.inst_a.schema_name):
        facility = make_facility(name="대공연장", conditions="음식물 반입 금지")
        add_discounts(facility, senior=30)
        r = services.reservation_request(
            **request_kwargs(facility, world.resident, discount_categories=["senior"])
        )
    return r


def test_permit_only_once_approved_and_only_for_applicant_or_manager(booking, world, on_host):
    url = f"/facilities/bookings/{booking.pk}/permit.pdf"
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404  # not approved yet
    with schema_context(world.inst_a.schema_name):
        services.reservation_approve(actor=world.manager_a, reservation=booking)
    assert on_host(world.inst_a).get(url).status_code == 302
    assert on_host(world.inst_a, world.resident2).get(url).status_code == 404
    assert on_host(world.inst_a, world.staff_a).get(url).status_code == 404
    assert on_host(world.inst_b, world.resident).get(url).status_code == 404
    text = text_of(on_host(world.inst_a, world.resident).get(url))
    for words in (
        "대관 허가서",
        world.inst_a.name,
        booking.number,
        "대공연장",
        world.resident.name,
        "감면",
        "음식물 반입 금지",
        "14,000원",
        "발급일",
    ):
        assert words in text, words
    assert on_host(world.inst_a, world.manager_a).get(url).status_code == 200


def test_receipt_only_once_paid(booking, world, on_host):
    url = f"/facilities/bookings/{booking.pk}/receipt.pdf"
    with schema_context(world.inst_a.schema_name):
        r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    assert on_host(world.inst_a, world.resident).get(url).status_code == 404
    with schema_context(world.inst_a.schema_name):
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=14000, method="bank_transfer"
        )
    text = text_of(on_host(world.inst_a, world.resident).get(url))
    for words in ("영수증", booking.number, "14,000원", "계좌 이체", "65세 이상 어르신"):
        assert words in text, words


# --- stored, rendered once, rendered again only when the booking changes ---------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def versions(world, booking, kind) -> list[str]:
    """The stored versions (folders) of one document of the booking."""
    from django.core.files.storage import default_storage

    with schema_context(world.inst_a.schema_name):
        try:
            return default_storage.listdir(f"{documents.FOLDER}/{booking.pk}/{kind}")[0]
        except FileNotFoundError:
            return []


def test_a_second_download_renders_nothing(booking, world, on_host, media):
    """The permit is rendered on the first download and stored; later downloads — the
    applicant's, a manager's, the portal hub's — stream the stored file."""
    with schema_context(world.inst_a.schema_name):
        services.reservation_approve(actor=world.manager_a, reservation=booking)
    url = f"/facilities/bookings/{booking.pk}/permit.pdf"
    before = documents.RENDERS[documents.PERMIT]
    first = on_host(world.inst_a, world.resident).get(url)
    assert documents.RENDERS[documents.PERMIT] == before + 1
    body = b"".join(first.streaming_content)
    assert first["Cache-Control"] == "private, no-store"
    second = on_host(world.inst_a, world.resident).get(url)
    manager = on_host(world.inst_a, world.manager_a).get(url)
    hub = on_host_apex(world).get(
        f"/portal/my/bookings/{world.inst_a.slug}/{booking.pk}/permit.pdf"
    )
    assert (second.status_code, manager.status_code, hub.status_code) == (200, 200, 200)
    assert b"".join(second.streaming_content) == body == b"".join(hub.streaming_content)
    assert documents.RENDERS[documents.PERMIT] == before + 1  # nothing rendered again
    [version] = versions(world, booking, documents.PERMIT)
    assert len(version) == 64  # an HMAC: unguessable, and never served from /media/
    stored_path = f"{documents.FOLDER}/{booking.pk}/permit/{version}/permit.pdf"
    assert (media / world.inst_a.schema_name / stored_path).read_bytes() == body
    for host in (world.inst_a.primary_host, "localhost"):
        assert (
            on_host(world.inst_a, world.resident)
            .get(f"/media/{world.inst_a.schema_name}/{stored_path}", HTTP_HOST=host)
            .status_code
            == 404
        )


def on_host_apex(world):
    from tests.conftest import host_client

    return host_client("localhost", world.resident)


def test_a_changed_booking_is_rendered_after_commit_ahead_of_the_download(
    booking, world, on_host, media, django_capture_on_commit_callbacks
):
    """Approval commits → the task stores the permit before anyone asks; a payment commits
    → the task renders the new permit and the receipt; the downloads render nothing, and
    the version the payment replaced is gone."""
    permits = documents.RENDERS[documents.PERMIT]
    with (
        django_capture_on_commit_callbacks(execute=True),
        schema_context(world.inst_a.schema_name),
    ):
        r = services.reservation_approve(actor=world.manager_a, reservation=booking)
    assert documents.RENDERS[documents.PERMIT] == permits + 1  # rendered by the task
    url = f"/facilities/bookings/{booking.pk}/permit.pdf"
    old = b"".join(on_host(world.inst_a, world.resident).get(url).streaming_content)
    [old_version] = versions(world, booking, documents.PERMIT)
    permits, receipts = documents.RENDERS[documents.PERMIT], documents.RENDERS[documents.RECEIPT]
    assert permits == documents.RENDERS[documents.PERMIT]  # the first download rendered nothing
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        schema_context(world.inst_a.schema_name),
    ):
        services.reservation_record_payment(
            actor=world.manager_a, reservation=r, amount=14000, method="bank_transfer"
        )
    # one task per booking and transaction, however many rows the payment saved
    assert sum(isinstance(c, documents._Prerender) for c in callbacks) == 1
    assert documents.RENDERS[documents.PERMIT] == permits + 1
    assert documents.RENDERS[documents.RECEIPT] == receipts + 1
    new = on_host(world.inst_a, world.resident).get(url)
    receipt = on_host(world.inst_a, world.resident).get(
        f"/facilities/bookings/{booking.pk}/receipt.pdf"
    )
    assert "14,000원" in text_of(receipt)
    assert b"".join(new.streaming_content) != old  # 결제 기한 no longer printed
    assert documents.RENDERS[documents.PERMIT] == permits + 1
    assert documents.RENDERS[documents.RECEIPT] == receipts + 1
    assert old_version not in versions(world, booking, documents.PERMIT)
    assert len(versions(world, booking, documents.PERMIT)) == 1


def test_the_task_renders_nothing_for_a_booking_without_documents(booking, world, media):
    """A request (not approved) has no permit and no receipt: the task stores nothing."""
    from facility_booking.tasks import render_documents

    before = sum(documents.RENDERS.values())
    assert (
        render_documents.call(schema_name=world.inst_a.schema_name, reservation_id=booking.pk) == []
    )
    assert render_documents.call(schema_name=world.inst_a.schema_name, reservation_id=10**9) == []
    assert sum(documents.RENDERS.values()) == before
    assert versions(world, booking, documents.PERMIT) == []


def _issue_date(response) -> str:
    compact = text_of(response).replace(" ", "").replace("\xa0", "")
    return compact.split("발급일:", 1)[1].split("\n", 1)[0]


def test_the_issue_date_is_the_day_the_version_was_issued(
    booking, world, on_host, media, monkeypatch
):
    """발급일 (docs/facility_booking.md): downloading an unchanged permit again on a later
    day gives the same document with the same 발급일; once the booking changes (a payment
    recorded), the permit is issued again and dated the day of that version."""
    import datetime as dt

    from django.utils import timezone

    def on_day(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    with schema_context(world.inst_a.schema_name):
        approved = services.reservation_approve(actor=world.manager_a, reservation=booking)
    url = f"/facilities/bookings/{booking.pk}/permit.pdf"
    on_day(dt.date(2026, 12, 1))
    first = on_host(world.inst_a, world.resident).get(url)
    assert _issue_date(first) == "2026.12.1."
    on_day(dt.date(2026, 12, 5))  # downloaded again days later: the same document
    before = documents.RENDERS[documents.PERMIT]
    assert _issue_date(on_host(world.inst_a, world.resident).get(url)) == "2026.12.1."
    assert documents.RENDERS[documents.PERMIT] == before
    with schema_context(world.inst_a.schema_name):  # the booking changes: a new version
        services.reservation_record_payment(
            actor=world.manager_a, reservation=approved, amount=14000, method="bank_transfer"
        )
    assert _issue_date(on_host(world.inst_a, world.resident).get(url)) == "2026.12.5."
    assert len(versions(world, booking, documents.PERMIT)) == 1  # the old one is gone
