"""What other apps use: ``notify(...)`` and ``register_event(...)``.

    from notifications.public import notify

    notify(
        event="document_to_approve",          # a code from notifications/events.py
        recipient=user,                       # a User (or email=/name= without one)
        context={"title": doc.title, "drafter": doc.drafter_name, "path": "/staff/approval/12/"},
        institution=request.institution,      # which institution's staff may see it
        ref=f"approval.document:{doc.pk}",    # what it is about (staff pages list by ref)
        dedupe_key=f"approve:{schema}:{doc.pk}:{step.pk}",  # optional: once only
    )

The call joins the caller's transaction (nothing is sent if it rolls back) and
sends on commit by the person's chosen channels — e-mail, 카카오 알림톡 with SMS
fallback, SMS — text messages only to a verified number and, for reminders,
never between 21:00 and 08:00 (held until 08:00). ``path`` becomes a link on the
institution's host, ``portal_path`` a link on the portal, built when sent.

An e-mail the caller wrote itself (subject and body) goes through the same outbox:

    email_enqueue(to=["a@example.kr"], subject="...", body="...")  # in the transaction

(suite.notify.email_on_commit renders a template and calls it.) Each address is one
delivery, sent once with its key as Message-ID.
"""

from notifications.events import EventSpec
from notifications.events import register as register_event
from notifications.models import Channel, Delivery, DeliveryStatus, Notification
from notifications.services import email_enqueue, email_send_keyed, notify, preference_of


def messages_about(ref: str, *, institution):
    """One institution's notifications about one of its objects (newest first), with
    their deliveries. Object ids repeat across institutions: the institution is needed."""
    qs = Notification.objects.filter(ref=ref, institution=institution)
    return qs.prefetch_related("deliveries").order_by("-created_at", "-id")


__all__ = [
    "Channel",
    "Delivery",
    "DeliveryStatus",
    "EventSpec",
    "Notification",
    "email_enqueue",
    "email_send_keyed",
    "messages_about",
    "notify",
    "preference_of",
    "register_event",
]
