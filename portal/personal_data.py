"""The portal's personal entries (a person's own booking summaries), declared to privacy."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, register_personal_data

register_personal_data(
    PersonalData(
        model="portal.PortalEntry",
        match=lambda s: Q(owner_id=s.user_id),
        delete=True,
        description=_("포털 '내 예약' 모아보기 항목"),
    ),
)
