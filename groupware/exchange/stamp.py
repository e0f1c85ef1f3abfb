"""접수인: the received copy's PDF with the 접수 number and date stamped on its first page
(top right, as on paper). The sender's original stays as it came, with its hash."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction

from groupware.exchange.models import ReceivedDocument
from suite import dates
from suite.pdf import render_pdf


def _stamp_page(received: ReceivedDocument) -> bytes:
    return render_pdf(
        "exchange/pdf/stamp.html",
        {
            "number": received.number,
            "date": dates.kdate(received.registered_at.date()) if received.registered_at else "",
            "department": received.department_name,
        },
    )


def stamped_pdf(received: ReceivedDocument) -> bytes:
    """The original PDF with the 접수 stamp over its first page."""
    from pypdf import PdfReader, PdfWriter

    with received.original_pdf.open("rb") as handle:
        writer = PdfWriter(clone_from=io.BytesIO(handle.read()))
    overlay = PdfReader(io.BytesIO(_stamp_page(received))).pages[0]
    if writer.pages:
        writer.pages[0].merge_page(overlay)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ensure_stamped(received: ReceivedDocument) -> bool:
    """Make the stamped copy once, after 접수 (True if made now)."""
    if received.stamped_pdf or not received.number or not received.original_pdf:
        return False
    content = stamped_pdf(received)
    field = ReceivedDocument._meta.get_field("stamped_pdf")
    name = field.storage.save(
        field.generate_filename(received, f"{received.number}.pdf".replace("/", "_")),
        ContentFile(content),
    )
    with transaction.atomic():
        updated = ReceivedDocument.objects.filter(pk=received.pk, stamped_pdf="").update(
            stamped_pdf=name
        )
    if not updated:
        field.storage.delete(name)
    received.refresh_from_db()
    return bool(updated)
