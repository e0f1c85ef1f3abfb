"""Who may do what on an institution's public site: named capabilities, one place."""

from __future__ import annotations

from accounts import access


def can_edit_site(user, institution) -> bool:
    """Pages, settings, job postings and disclosures: institution admins."""
    return access.is_institution_admin(user, institution)


def can_open_documents(user, institution) -> bool:
    """The 원문정보공개 desk: any member (each publishes their own department's documents)."""
    return access.is_member(user, institution)


def can_publish_document(user, institution, document) -> bool:
    """A member of the document's department (처리과), or an institution admin."""
    if access.is_institution_admin(user, institution):
        return True
    if not access.is_member(user, institution) or document.department_id is None:
        return False
    from groupware.public import profile_of

    profile = profile_of(user)  # read once per request, shared with the page
    return (
        profile is not None
        and profile.is_active
        and profile.department_id == document.department_id
    )


def staff_view(capability, *, reason=None):
    """The site's staff pages: accounts.access.staff_page (anonymous → log-in; residents
    and another institution's staff → 404; members without the capability → 403)."""
    return access.staff_page(capability, reason=reason)
