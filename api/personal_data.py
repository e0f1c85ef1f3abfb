"""Personal API tokens, declared to privacy: deleted with the account."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.public import PersonalData, register_personal_data

register_personal_data(
    PersonalData(
        model="api.ApiToken",
        match=lambda s: Q(user_id=s.user_id),
        delete=True,
        description=_("API 토큰"),
    ),
)
