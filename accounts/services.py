"""The write path for people: sign-up, invitations, profile."""

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


@transaction.atomic
def user_signup(*, email: str, name: str, password: str, phone: str = "") -> User:
    """Create a resident account (no membership)."""
    return User.objects.create_user(email=email.lower(), password=password, name=name, phone=phone)


def user_get_or_invite(*, email: str, name: str = "") -> tuple[User, bool]:
    """The person with this e-mail, created without a password when new."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email=email.lower(), password=None, name=name), True


def password_setup_path(user: User) -> str:
    """Path (host-relative) of the one-time link that lets a person set a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"/accounts/invite/{uid}/{token}/"
