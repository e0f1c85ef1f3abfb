"""Permit (대관 허가서) and receipt (영수증) PDFs: rendered once, stored, served from storage.

A booking's document only changes when what it prints changes, so each one is stored in
the institution's private storage under a name derived from everything it shows (the
booking's columns, the facility and institution lines it prints, the ledger and the
현금영수증 for a receipt, and the templates themselves). A request computes that
fingerprint (no rendering) and streams the stored file; only a booking that changed since
is rendered again — and normally not even then: when a booking (or its ledger) changes,
a task queued on commit renders the new version ahead of the next download
(``prerender``), and removes the version it replaces.

Names: ``private/facility_booking/<booking id>/<kind>/<64-hex HMAC>/<kind>.pdf`` — the HMAC
(keyed with SECRET_KEY) makes them unguessable, and they are only ever served by views
that check who asks (facility_booking.views, portal.hub), like approval PDFs.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import posixpath
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import FileResponse
from django.template.loader import get_template
from django.utils import timezone, translation

from facility_booking.models import Kind, Reservation, Status
from facility_booking.portal import current_institution
from suite.pdf import render_pdf

PERMIT, RECEIPT = "permit", "receipt"
TEMPLATES = {
    PERMIT: "facility_booking/pdf/permit.html",
    RECEIPT: "facility_booking/pdf/receipt.html",
}
PERMIT_STATES = frozenset({Status.APPROVED, Status.PAID, Status.COMPLETED})
FOLDER = "private/facility_booking"
# Renders per kind in this process: what the tests (and bench/pdf.py) read to tell a
# stored document served from one rendered again.
RENDERS: Counter[str] = Counter()


def _logo_uri(institution) -> str:
    try:
        if institution is not None and institution.logo:
            from pathlib import Path

            return Path(institution.logo.path).as_uri()
    except (ValueError, NotImplementedError, OSError):
        pass
    return ""


def _context(reservation) -> dict:
    institution = current_institution()
    return {
        "r": reservation,
        "facility": reservation.facility,
        "institution": institution,
        "logo": _logo_uri(institution),
        "issued": timezone.localdate(),
    }


def _receipt_context(reservation) -> dict:
    context = _context(reservation)
    paid, refunded = reservation.paid_amount, reservation.refunded_amount
    context.update(
        entries=list(reservation.ledger_entries.all()),
        paid=paid,
        refunded=refunded,
        net=paid - refunded,
        cash_receipts=list(
            reservation.payment_orders.filter(status="paid").exclude(cash_receipt_type="")
        ),
    )
    return context


def _render(kind: str, context: dict) -> bytes:
    RENDERS[kind] += 1
    # The documents are Korean whatever the page language (won, weekdays, labels).
    with translation.override("ko"):
        return render_pdf(TEMPLATES[kind], context)


def permit_pdf(reservation) -> bytes:
    """Render the permit now (the pages serve the stored one: ``file_response``)."""
    return _render(PERMIT, _context(reservation))


def receipt_pdf(reservation) -> bytes:
    """영수증: every payment and refund of the ledger, and the 현금영수증 if asked for."""
    return _render(RECEIPT, _receipt_context(reservation))


# --- stored documents ------------------------------------------------------------------


@functools.cache
def _templates_digest() -> str:
    """The templates' source (a changed template is a changed document). Read once."""
    digest = hashlib.sha256()
    for name in ("facility_booking/pdf/_base.html", *TEMPLATES.values()):
        template = get_template(name)
        digest.update(template.template.source.encode())
    return digest.hexdigest()


def _rows(objects, fields) -> list:
    return [[str(getattr(o, f, "")) for f in fields] for o in objects]


def _fingerprint(kind: str, context: dict) -> str:
    """An HMAC of everything ``kind`` prints (except the issue date, which is the day the
    version was first made)."""
    r, facility, institution = context["r"], context["facility"], context["institution"]
    parts: list = [
        kind,
        connection.schema_name,
        _templates_digest(),
        [str(getattr(r, f.attname)) for f in Reservation._meta.concrete_fields],
        _rows([facility], ("name", "location", "conditions")),
        _rows([institution], ("name", "address", "phone", "fax", "head_title", "logo")),
    ]
    if kind == RECEIPT:
        entries = context["entries"]
        parts.append(
            _rows(entries, [f.attname for f in entries[0]._meta.concrete_fields]) if entries else []
        )
        parts.append(
            _rows(
                context["cash_receipts"],
                ("pk", "cash_receipt_type", "cash_receipt_number", "cash_receipt_issue_number"),
            )
        )
    message = repr(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StoredDocument:
    name: str
    rendered: bool  # rendered by this call (False: it was stored already)


def _folder(reservation, kind: str) -> str:
    return f"{FOLDER}/{reservation.pk}/{kind}"


def available(reservation, kind: str) -> bool:
    """Whether ``kind`` exists for the booking now (permit: approved, paid or completed;
    receipt: anything in the ledger)."""
    if reservation.kind != Kind.BOOKING:
        return False
    if kind == PERMIT:
        return reservation.status in PERMIT_STATES
    return reservation.ledger_entries.exists()


def stored(reservation, kind: str) -> StoredDocument:
    """The stored current version of ``kind`` for the booking, rendered and stored first
    if the booking changed since the last one. Caller checked ``available``."""
    context = _receipt_context(reservation) if kind == RECEIPT else _context(reservation)
    folder = _folder(reservation, kind)
    name = f"{folder}/{_fingerprint(kind, context)}/{kind}.pdf"
    if default_storage.exists(name):
        return StoredDocument(name, rendered=False)
    content = _render(kind, context)
    if not default_storage.exists(name):  # another request may have stored it meanwhile
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # lost a race to the same name: keep one copy
            default_storage.delete(saved)
    _forget_older(folder, keep=name)
    return StoredDocument(name, rendered=True)


def _forget_older(folder: str, *, keep: str) -> None:
    """Delete the versions a new one replaces (a download in progress keeps its open file)."""
    try:
        versions, _files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for version in versions:
        path = f"{folder}/{version}"
        if posixpath.dirname(keep) == path:
            continue
        try:
            for file_name in default_storage.listdir(path)[1]:
                default_storage.delete(f"{path}/{file_name}")
            default_storage.delete(path)
        except OSError:
            continue  # another process is tidying the same folder


def file_response(reservation, kind: str) -> FileResponse:
    """The stored PDF, inline, never cached by the browser or a proxy (a private paper)."""
    document = stored(reservation, kind)
    response = FileResponse(
        default_storage.open(document.name, "rb"),
        content_type="application/pdf",
        filename=f"{kind}-{reservation.number}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def prerender(reservation) -> list[str]:
    """Store the current version of every document the booking has (the task's work)."""
    return [
        kind
        for kind in (PERMIT, RECEIPT)
        if available(reservation, kind) and stored(reservation, kind).rendered
    ]


# --- after a change: the task renders the new version -----------------------------------


class _Prerender:
    """An on-commit callback queueing the render task for one booking, once per
    transaction however many times the booking was saved in it."""

    def __init__(self, schema_name: str, reservation_id: int):
        self.key = (schema_name, reservation_id)
        self.done = False

    def __call__(self) -> None:
        from facility_booking.tasks import render_documents

        self.done = True
        render_documents.enqueue(schema_name=self.key[0], reservation_id=self.key[1])


def queue_prerender(reservation_id: int) -> None:
    """After commit, queue the render of the booking's documents (once per transaction)."""
    if not getattr(settings, "FACILITY_DOCUMENTS_PRERENDER", True):
        return
    callback = _Prerender(connection.schema_name, reservation_id)
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for savepoints, func, _robust in connection.run_on_commit:
            # One already waiting in this savepoint or an outer one runs after this
            # change too (a rollback that drops it drops this change as well).
            if (
                isinstance(func, _Prerender)
                and func.key == callback.key
                and not func.done
                and savepoints <= current
            ):
                return
    transaction.on_commit(callback, robust=True)


def _booking_saved(sender, instance, **kwargs) -> None:
    if instance.kind == Kind.BOOKING and instance.status in (*PERMIT_STATES, Status.CANCELLED):
        queue_prerender(instance.pk)


def _ledger_saved(sender, instance, **kwargs) -> None:
    queue_prerender(instance.reservation_id)


def connect() -> None:
    """Called from the app's ready(): a saved booking or ledger entry renders anew."""
    from django.db.models.signals import post_save

    post_save.connect(_booking_saved, sender=Reservation, dispatch_uid="fb_documents_booking")
    post_save.connect(
        _ledger_saved, sender="payments.LedgerEntry", dispatch_uid="fb_documents_ledger"
    )
