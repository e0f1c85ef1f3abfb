from django.conf import settings

from accounts import access
from tenants.models import apex_url


def suite(request):
    """What the base layout needs: where we are, who is asking, where to go."""
    institution = getattr(request, "institution", None)
    user = getattr(request, "user", None)
    role = (
        access.role_in(user, institution) if institution is not None and user is not None else None
    )
    return {
        "institution": institution,
        "member_role": role,
        "is_member": role is not None,
        "is_institution_admin": role == "institution_admin",
        "can_manage_facilities": role in ("institution_admin", "facility_manager"),
        "portal_url": apex_url("/"),
        "suite_domain": settings.SUITE_DOMAIN,
    }
