"""The write path of notifications: enqueue, send exactly once, retry, fall back;
channel choices and phone verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from notifications import events
from notifications.models import (
    TEXT_CHANNELS,
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryStatus,
    Notification,
    PhoneVerification,
)
from notifications.providers import OutgoingMessage, ProviderError, provider_for
from suite.links import collapse, expand

LEASE = dt.timedelta(minutes=5)


def lease() -> dt.timedelta:
    """How long a claimed delivery belongs to its worker; after that it counts as dead and
    the delivery is sent again (``NOTIFY_LEASE_SECONDS``, 300). Longer than a send can take
    (``EMAIL_TIMEOUT``, the providers' HTTP timeout)."""
    seconds = getattr(settings, "NOTIFY_LEASE_SECONDS", None)
    return LEASE if seconds is None else dt.timedelta(seconds=float(seconds))


RETRY_BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1

CODE_TTL = dt.timedelta(minutes=5)
CODE_RESEND_AFTER = dt.timedelta(seconds=60)
CODES_PER_DAY = 5
CODE_ATTEMPTS = 5

MESSAGES = {
    "phone_invalid": _("휴대전화 번호를 010-1234-5678 형식으로 입력해 주세요."),
    "code_too_soon": _("인증번호를 방금 보냈습니다. 1분 뒤에 다시 요청해 주세요."),
    "code_too_many": _("오늘 인증번호를 너무 많이 요청했습니다. 내일 다시 시도해 주세요."),
    "code_missing": _("인증번호를 먼저 요청해 주세요."),
    "code_expired": _("인증번호가 만료되었습니다. 다시 요청해 주세요."),
    "code_wrong": _("인증번호가 맞지 않습니다."),
    "code_attempts": _("인증번호를 너무 많이 틀렸습니다. 새 인증번호를 요청해 주세요."),
    "channel_needs_phone": _("휴대전화 번호를 인증한 뒤에 문자·알림톡을 선택할 수 있습니다."),
    "channel_none": _("알림 받을 방법을 하나 이상 선택해 주세요."),
}


class NotifyError(ValidationError):
    def __init__(self, code: str, field: str | None = None):
        self.notify_code = code
        text = gettext(MESSAGES[code])
        if field:
            super().__init__({field: [ValidationError(text, code=code)]})
        else:
            super().__init__(text, code=code)


# -- quiet hours ---------------------------------------------------------------------


def in_quiet_hours(when: dt.datetime) -> bool:
    """21:00–08:00 local time by default; (h, h) turns quiet hours off."""
    start, end = settings.NOTIFY_QUIET_HOURS
    if start == end:
        return False
    hour = timezone.localtime(when).hour
    return hour >= start or hour < end


def quiet_hours_end(when: dt.datetime) -> dt.datetime:
    """The next end of quiet hours (08:00 local) at or after ``when``."""
    _start, end = settings.NOTIFY_QUIET_HOURS
    local = timezone.localtime(when)
    release = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if local.hour >= end:
        release += dt.timedelta(days=1)
    return release


# -- planning: which channels, which addresses ------------------------------------------


def preference_of(user) -> ChannelPreference:
    """The person's choices (defaults when they never chose: e-mail and 알림톡)."""
    pref = ChannelPreference.objects.filter(user=user).first()
    return pref or ChannelPreference(user=user)


@dataclass
class Target:
    channel: str
    address: str


def plan(spec: events.EventSpec, recipient, *, email: str = "", phone: str = "") -> list[Target]:
    if spec.text_only:
        return [Target(Channel.SMS, phone)] if phone else []
    targets: list[Target] = []
    if recipient is not None:
        if not recipient.is_active:
            return []
        pref = preference_of(recipient)
        address = recipient.email
        if pref.email and address:
            targets.append(Target(Channel.EMAIL, address))
        verified = pref.verified_phone
        if verified and pref.alimtalk:
            targets.append(Target(Channel.ALIMTALK, verified))
        elif verified and pref.sms:
            targets.append(Target(Channel.SMS, verified))
        if not targets and address:
            # Never silent: nothing chosen that can be reached → e-mail.
            targets.append(Target(Channel.EMAIL, address))
    elif email:
        targets.append(Target(Channel.EMAIL, email))
    return targets


# -- enqueue ---------------------------------------------------------------------------


def notify(
    *,
    event: str,
    recipient=None,
    context: dict | None = None,
    institution=None,
    email: str = "",
    phone: str = "",
    name: str = "",
    ref: str = "",
    dedupe_key: str | None = None,
    now: dt.datetime | None = None,
) -> Notification | None:
    """Record the notification and its deliveries in the caller's transaction; send on commit.

    Returns None when there is nobody to reach. ``dedupe_key``: a second call with
    the same key returns the first notification and sends nothing more.
    """
    spec = events.get(event)
    now = now or timezone.now()
    if dedupe_key:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    targets = plan(spec, recipient, email=email, phone=phone)
    if not targets:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                event=event,
                recipient=recipient,
                to_name=name or (recipient.get_full_name() if recipient is not None else ""),
                institution=institution,
                ref=ref[:120],
                context=context or {},
                dedupe_key=dedupe_key or None,
            )
            deliveries = [
                _new_delivery(notification, target.channel, target.address, spec, now)
                for target in targets
            ]
    except IntegrityError:
        if dedupe_key:
            return Notification.objects.filter(dedupe_key=dedupe_key).first()
        raise
    _schedule_on_commit([d for d in deliveries], now)
    return notification


def email_enqueue(
    *,
    to: list[str] | str,
    subject: str,
    body: str,
    institution=None,
    ref: str = "",
    dedupe_key: str | None = None,
    now: dt.datetime | None = None,
    schedule: bool = True,
) -> list[Delivery]:
    """Put an e-mail already written by its sender into the outbox: one delivery per
    address, in the caller's transaction (a rolled-back change sends nothing), sent on
    commit by a worker exactly once per delivery (claimed with a lease, the delivery's key
    as Message-ID; docs/deployment.md "E-mail" for the SMTP hand-over).

    ``subject``/``body`` may hold the platform's link tokens (suite.links): they are kept
    as tokens and built when sent. ``dedupe_key``: a second call with the same key (a
    retried task) adds nothing for an address already queued. Returns the new deliveries.
    ``schedule=False``: the caller sends them itself (``email_send_keyed``).
    """
    now = now or timezone.now()
    unique = _addresses(to)
    subject, body = collapse(subject)[:300], collapse(body)
    created: list[Delivery] = []
    with transaction.atomic():
        for address in unique:
            key = _email_key(dedupe_key, address) if dedupe_key else None
            if key and Notification.objects.filter(dedupe_key=key).exists():
                continue
            notification = Notification.objects.create(
                event=events.EMAIL.code,
                institution=institution,
                ref=ref[:120],
                dedupe_key=key,
            )
            created.append(
                Delivery.objects.create(
                    notification=notification,
                    channel=Channel.EMAIL,
                    address=address[:254],
                    subject=subject,
                    # never empty: an empty body would be rendered from an event template
                    body=body or subject or " ",
                    not_before=now,
                )
            )
    if created and schedule:
        _schedule_on_commit(created, now)
    return created


def _addresses(to: list[str] | str) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    return list(dict.fromkeys(a.strip() for a in addresses if a and a.strip()))


def _email_key(dedupe_key: str, address: str) -> str:
    return f"{dedupe_key}:{address}"[:200]


def email_send_keyed(*, to: list[str] | str, subject: str, body: str, key: str) -> int:
    """For a task that sends an e-mail itself: queue it in the outbox once per ``key``
    and send now what is still unsent (a rerun of the task sends nothing twice; a
    delivery a dead worker claimed is taken over when its lease ends). Returns how many
    were sent by this call."""
    email_enqueue(to=to, subject=subject, body=body, dedupe_key=key, schedule=False)
    ids = list(
        Delivery.objects.filter(
            notification__dedupe_key__in=[_email_key(key, a) for a in _addresses(to)]
        ).values_list("pk", flat=True)
    )
    sent = sum(1 for pk in ids if send_delivery(pk) == DeliveryStatus.SENT)
    check_when_leases_end(ids)
    return sent


def _new_delivery(notification, channel, address, spec, now) -> Delivery:
    held = spec.quiet and channel in TEXT_CHANNELS and in_quiet_hours(now)
    return Delivery.objects.create(
        notification=notification,
        channel=channel,
        address=address,
        not_before=quiet_hours_end(now) if held else now,
        held_for_quiet_hours=held,
    )


def _schedule_on_commit(deliveries: list[Delivery], now) -> None:
    from notifications.tasks import send_deliveries

    due = [d.pk for d in deliveries if d.not_before <= now]
    later = [(d.pk, d.not_before) for d in deliveries if d.not_before > now]

    def enqueue():
        if due:
            send_deliveries.enqueue(ids=due)
        for pk, when in later:
            enqueue_later(pk, when)

    transaction.on_commit(enqueue, robust=True)


def enqueue_later(delivery_id: int, when: dt.datetime) -> None:
    """A task for later when the backend can wait; otherwise the sweep picks it up."""
    from notifications.tasks import send_deliveries

    if send_deliveries.get_backend().supports_defer:
        send_deliveries.using(run_after=when).enqueue(ids=[delivery_id])


# -- rendering -------------------------------------------------------------------------


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(notification: Notification, channel: str) -> tuple[str, str]:
    """(subject, body) in Korean (알림톡 templates are registered in Korean); e-mail in
    the recipient's language. Links are built now, from the current host settings."""
    from tenants.models import apex_url

    spec = events.get(notification.event)
    context = dict(notification.context or {})
    institution = notification.institution
    recipient = notification.recipient
    name = notification.to_name or (recipient.get_full_name() if recipient else "")
    context.setdefault("recipient_name", name)
    context.setdefault("applicant", name)
    context.setdefault("institution_name", institution.name if institution else "시민 통합 포털")
    if context.get("path") and institution is not None:
        context["url"] = institution.absolute_url(context["path"])
    elif context.get("portal_path"):
        context["url"] = apex_url(context["portal_path"])
    language = "ko"
    if channel == Channel.EMAIL and recipient is not None:
        language = recipient.preferred_language or "ko"
    with translation.override(language):
        body = render_to_string(f"notifications/events/{spec.code}.txt", context).strip()
        subject = str(spec.subject).format_map(_Blank(context))
        if channel == Channel.EMAIL:
            body += "\n\n" + gettext(
                "이 메일은 발신 전용입니다. 알림 받을 방법은 통합 포털의 내 정보에서 바꿀 수 있습니다."
            )
    return subject[:300], body


# -- sending ---------------------------------------------------------------------------


def _claim(delivery_id: int, now) -> tuple[Delivery, bool] | None:
    """Take the delivery for this worker: (delivery, recovering a dead worker's claim)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification", "notification__institution", "notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        recovering = False
        if delivery.status == DeliveryStatus.PENDING and delivery.not_before <= now:
            pass
        elif (
            delivery.status == DeliveryStatus.SENDING
            and delivery.lease_until is not None
            and delivery.lease_until <= now
        ):
            recovering = True
        else:
            return None
        if not delivery.body:
            # Kept with the platform's links as tokens (suite.links); built when sent/shown.
            subject, body = render(delivery.notification, delivery.channel)
            delivery.subject, delivery.body = collapse(subject), collapse(body)
        delivery.status = DeliveryStatus.SENDING
        delivery.lease_until = now + lease()
        delivery.attempts += 1
        delivery.provider = provider_for(delivery.channel).name
        delivery.save(
            update_fields=[
                "subject",
                "body",
                "status",
                "lease_until",
                "attempts",
                "provider",
                "updated_at",
            ]
        )
    return delivery, recovering


def send_delivery(delivery_id: int, *, now: dt.datetime | None = None) -> str | None:
    """Send one delivery if it is due (or a dead worker's claim ran out). Returns the
    resulting status, or None when there was nothing for this worker to do."""
    now = now or timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return None
    delivery, recovering = claimed
    provider = provider_for(delivery.channel)
    if recovering:
        # The last worker died mid-send: was the message accepted under its key?
        accepted = provider.lookup(delivery.key)
        if accepted:
            return _mark_sent(delivery, accepted, now)
    spec = events.get(delivery.notification.event)
    message = OutgoingMessage(
        key=delivery.key,
        channel=delivery.channel,
        address=delivery.address,
        subject=expand(delivery.subject),
        body=expand(delivery.body),
        template_code=spec.alimtalk_template,
    )
    try:
        provider_id = provider.send(message)
    except ProviderError as error:
        return _mark_failed(delivery, error, now)
    return _mark_sent(delivery, provider_id, now)


def _mark_sent(delivery: Delivery, provider_id: str, now) -> str:
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT,
        provider_message_id=str(provider_id)[:120],
        sent_at=now,
        lease_until=None,
        last_error="",
        updated_at=now,
    )
    return DeliveryStatus.SENT


def _mark_failed(delivery: Delivery, error: ProviderError, now) -> str:
    final = error.permanent or delivery.attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        if final:
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.FAILED,
                failed_at=now,
                lease_until=None,
                last_error=str(error)[:1000],
                updated_at=now,
            )
            fallback = None
            if delivery.channel == Channel.ALIMTALK:
                fallback = _sms_fallback(delivery, now)
        else:
            retry_at = now + RETRY_BACKOFF[min(delivery.attempts, len(RETRY_BACKOFF)) - 1]
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING,
                not_before=retry_at,
                lease_until=None,
                last_error=str(error)[:1000],
                updated_at=now,
            )
    if final:
        if fallback is not None:
            send_delivery(fallback.pk, now=now)
        return DeliveryStatus.FAILED
    enqueue_later(delivery.pk, retry_at)
    return DeliveryStatus.PENDING


def _sms_fallback(delivery: Delivery, now) -> Delivery | None:
    """알림톡 failed: the same text by SMS (the Korean norm), once."""
    notification = delivery.notification
    if notification.deliveries.filter(channel=Channel.SMS).exists():
        return None
    return Delivery.objects.create(
        notification=notification,
        channel=Channel.SMS,
        address=delivery.address,
        subject=delivery.subject,
        body=delivery.body,
        not_before=now,
        fallback_for=delivery,
    )


def check_when_leases_end(ids: list[int]) -> None:
    """Queue one more try, at the end of its lease, for each of ``ids`` another worker
    still holds (a dead worker's claim is then taken over; a live one's is long sent)."""
    held = Delivery.objects.filter(
        pk__in=ids, status=DeliveryStatus.SENDING, lease_until__isnull=False
    ).values_list("pk", "lease_until")
    for pk, until in held:
        if until is not None:
            enqueue_later(pk, until + dt.timedelta(seconds=1))


def due_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries a sweep should try: due pending ones and dead workers' claims."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, not_before__lte=now)
            | Q(status=DeliveryStatus.SENDING, lease_until__lte=now)
        )
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )


def sweep(now: dt.datetime | None = None) -> int:
    """Send everything due; returns how many were sent."""
    now = now or timezone.now()
    return sum(1 for pk in due_ids(now) if send_delivery(pk, now=now) == DeliveryStatus.SENT)


def retry_delivery(*, delivery: Delivery, now=None) -> Delivery:
    """Staff ask for a failed delivery to be tried again (a new attempt, same key)."""
    now = now or timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, not_before=now, failed_at=None, attempts=0, updated_at=now
    )
    if updated:
        transaction.on_commit(lambda: enqueue_now([delivery.pk]), robust=True)
    delivery.refresh_from_db()
    return delivery


def enqueue_now(ids: list[int]) -> None:
    from notifications.tasks import send_deliveries

    send_deliveries.enqueue(ids=ids)


# -- channel choices and phone verification ------------------------------------------------

PHONE_RE = re.compile(r"^01[016789]\d{7,8}$")


def normalize_phone(value: str) -> str:
    digits = "".join(c for c in (value or "") if c.isdigit())
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not PHONE_RE.match(digits):
        raise NotifyError("phone_invalid", field="phone")
    return digits


def format_phone(digits: str) -> str:
    if len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _code_hash(user_id: int, phone: str, code: str) -> str:
    message = f"{user_id}:{phone}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def phone_verification_start(*, user, phone: str, now=None) -> PhoneVerification:
    """Send a 6-digit code to ``phone`` (once a minute, five a day)."""
    now = now or timezone.now()
    digits = normalize_phone(phone)
    recent = PhoneVerification.objects.filter(user=user, created_at__gte=now - dt.timedelta(days=1))
    if recent.filter(created_at__gte=now - CODE_RESEND_AFTER).exists():
        raise NotifyError("code_too_soon", field="phone")
    if recent.count() >= CODES_PER_DAY:
        raise NotifyError("code_too_many", field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        verification = PhoneVerification.objects.create(
            user=user,
            phone=digits,
            code_hash=_code_hash(user.pk, digits, code),
            expires_at=now + CODE_TTL,
        )
        notify(
            event="phone_verification",
            recipient=user,
            phone=format_phone(digits),
            context={"code": code},
            ref=f"notifications.phoneverification:{verification.pk}",
            now=now,
        )
    return verification


def phone_verification_confirm(*, user, code: str, now=None) -> ChannelPreference:
    """Check the code against the latest one sent; on success the number is verified."""
    now = now or timezone.now()
    code = "".join(c for c in (code or "") if c.isdigit())
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(user=user, verified_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None:
            error = NotifyError("code_missing", field="code")
        elif verification.expires_at < now:
            error = NotifyError("code_expired", field="code")
        elif verification.attempts >= CODE_ATTEMPTS:
            error = NotifyError("code_attempts", field="code")
        else:
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            expected = verification.code_hash
            if len(code) == 6 and hmac.compare_digest(
                expected, _code_hash(user.pk, verification.phone, code)
            ):
                verification.verified_at = now
                verification.save(update_fields=["verified_at"])
                pref, _created = ChannelPreference.objects.get_or_create(user=user)
                pref.phone = format_phone(verification.phone)
                pref.phone_verified_at = now
                pref.save(update_fields=["phone", "phone_verified_at", "updated_at"])
                if not user.phone:
                    user.phone = pref.phone
                    user.save(update_fields=["phone"])
                return pref
            error = NotifyError(
                "code_attempts" if verification.attempts >= CODE_ATTEMPTS else "code_wrong",
                field="code",
            )
    # The failed attempt is counted (committed above) before the refusal.
    raise error


def preferences_update(*, user, email: bool, alimtalk: bool, sms: bool) -> ChannelPreference:
    """Choose channels. Text channels need a verified number; at least one channel."""
    pref, _created = ChannelPreference.objects.get_or_create(user=user)
    if (alimtalk or sms) and not pref.verified_phone:
        raise NotifyError("channel_needs_phone", field="alimtalk" if alimtalk else "sms")
    if not (email or alimtalk or sms):
        raise NotifyError("channel_none", field="email")
    pref.email, pref.alimtalk, pref.sms = bool(email), bool(alimtalk), bool(sms)
    pref.save(update_fields=["email", "alimtalk", "sms", "updated_at"])
    return pref


def phone_forget(*, user) -> ChannelPreference:
    """Remove the verified number; text channels stop, e-mail stays on."""
    pref, _created = ChannelPreference.objects.get_or_create(user=user)
    pref.phone, pref.phone_verified_at = "", None
    pref.alimtalk = pref.sms = False
    pref.email = True
    pref.save()
    return pref
