"""What other apps use from privacy (import this module, nothing else of privacy).

Masking::

    from privacy.public import mask_phone, mask_name
    {% load privacy_tags %} {{ r.contact_phone|mask_phone }} {{ r.applicant_name|mask_name }}

Access records (접속기록) when staff view, search, export or download residents'
personal data::

    record_access(request, action="view", target=f"facility_booking.reservation:{r.pk}",
                  purpose=_("대관 신청 심사"), subject_id=r.applicant_id)

    @access_logged(action="export", target="facility_booking.report", purpose=_("월간 보고서"))
    def report_csv(request): ...          # recorded when the response is 2xx

Consents where new personal data is asked: ``ConsentFormMixin`` on the form with
``consent_set = "booking"``, then ``record_consents(user=…, form=…, request=…)`` in the
view once the form is valid (privacy.consents lists the sets and their wording).

Personal data declarations (from AppConfig.ready): ``register_personal_data``,
``register_legal_hold``, ``register_blocker``, ``register_retention`` with
``PersonalData``, ``LegalHold``, ``RetentionKind`` (privacy.registry).

For a person's own account (accounts: sign-up, profile, 회원탈퇴, dormant accounts):
``Consent``, ``CONSENT_SETS``, ``PHONE_KEYS``, ``has_consent``, ``consent_withdraw``;
``personal_data``, ``legal_holds`` (what is deleted and what the law keeps),
``account_blockers`` and ``account_delete``.
"""

from __future__ import annotations

from functools import wraps

from privacy.access_log import record_request
from privacy.consents import (
    PHONE_KEYS,
    ConsentFormMixin,
    consent_set,
    consent_withdraw,
    has_consent,
    record_consents,
)
from privacy.consents import SETS as CONSENT_SETS
from privacy.erasure import account_blockers, account_delete
from privacy.masking import mask_email, mask_name, mask_phone
from privacy.models import Consent
from privacy.registry import (
    LegalHold,
    PersonalData,
    RetentionKind,
    Subject,
    legal_holds,
    personal_data,
    register_blocker,
    register_legal_hold,
    register_personal_data,
    register_retention,
)

__all__ = [
    "CONSENT_SETS",
    "PHONE_KEYS",
    "Consent",
    "ConsentFormMixin",
    "LegalHold",
    "PersonalData",
    "RetentionKind",
    "Subject",
    "access_logged",
    "account_blockers",
    "account_delete",
    "consent_set",
    "consent_withdraw",
    "has_consent",
    "legal_holds",
    "mask_email",
    "mask_name",
    "mask_phone",
    "personal_data",
    "record_access",
    "record_consents",
    "register_blocker",
    "register_legal_hold",
    "register_personal_data",
    "register_retention",
]


def record_access(
    request,
    *,
    action: str,
    target: str,
    purpose: str,
    subject_id: int | None = None,
    row_count: int = 1,
):
    """Append a 접속기록 row for the signed-in staff member in the current schema."""
    return record_request(
        request,
        action=action,
        target=target,
        purpose=str(purpose),
        subject_id=subject_id,
        row_count=row_count,
    )


def access_logged(*, action: str, target: str, purpose: str, rows=None):
    """View decorator: record an access once the view answered 2xx.

    ``target`` may name URL kwargs (``"facility_booking.reservation:{pk}"``); ``rows``,
    when given, is a callable ``(request, response) -> int`` for exports.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300 and request.user.is_authenticated:
                record_access(
                    request,
                    action=action,
                    target=target.format(**kwargs),
                    purpose=purpose,
                    row_count=rows(request, response) if rows else 1,
                )
            return response

        return wrapped

    return decorate
