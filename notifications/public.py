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

For the person's own pages (the portal hub's 알림 and 설정, accounts' profile):
``inbox_of(user)`` and ``text_of(notification)`` (what a message said, or will say),
``event_labels()``; ``preference_of``, ``preferences_update`` and the phone check
``phone_verification_start`` / ``phone_verification_confirm`` / ``phone_forget``;
``ChannelPreference`` (demo data sets residents' channels).
"""

from notifications.events import REGISTRY, EventSpec
from notifications.events import register as register_event
from notifications.models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryStatus,
    Notification,
)
from notifications.services import (
    email_enqueue,
    email_send_keyed,
    notify,
    phone_forget,
    phone_verification_confirm,
    phone_verification_start,
    preference_of,
    preferences_update,
    render,
)


def messages_about(ref: str, *, institution):
    """One institution's notifications about one of its objects (newest first), with
    their deliveries. Object ids repeat across institutions: the institution is needed."""
    qs = Notification.objects.filter(ref=ref, institution=institution)
    return qs.prefetch_related("deliveries").order_by("-created_at", "-id")


def inbox_of(user):
    """The person's own notifications, newest first, with their institution and
    deliveries (phone verification codes are not kept for reading)."""
    return (
        Notification.objects.filter(recipient=user)
        .exclude(event="phone_verification")
        .select_related("institution")
        .prefetch_related("deliveries")
        .order_by("-created_at", "-id")
    )


def text_of(notification: Notification) -> str:
    """What the message said as sent; not sent yet (held for the night, being retried):
    what it will say. Links are built for the hosts of today."""
    from suite.links import expand

    sent = next((d.body for d in notification.deliveries.all() if d.body), "")
    return expand(sent or render(notification, "sms")[1])


def event_labels() -> dict[str, str]:
    """Each event code's label (the kinds of message a person may receive)."""
    return {code: spec.label for code, spec in REGISTRY.items()}


__all__ = [
    "Channel",
    "ChannelPreference",
    "Delivery",
    "DeliveryStatus",
    "EventSpec",
    "Notification",
    "email_enqueue",
    "email_send_keyed",
    "event_labels",
    "inbox_of",
    "messages_about",
    "notify",
    "phone_forget",
    "phone_verification_confirm",
    "phone_verification_start",
    "preference_of",
    "preferences_update",
    "register_event",
    "text_of",
]
