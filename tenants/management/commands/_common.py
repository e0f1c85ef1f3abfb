"""Shared bits of the institution lifecycle commands."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from tenants.errors import LifecycleError
from tenants.models import Institution


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--actor",
        metavar="EMAIL",
        help="The operator doing this (recorded in the platform audit log); default cli:<os user>.",
    )


def get_institution(slug: str) -> Institution:
    institution = Institution.objects.filter(slug=slug).first()
    if institution is None:
        raise CommandError(f"기관을 찾을 수 없습니다: {slug}")
    return institution


def command_error(error: Exception) -> CommandError:
    """A service refusal as a readable CommandError (field: message lines)."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            lines = [
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            lines = list(error.messages)
        return CommandError("\n".join(lines))
    if isinstance(error, LifecycleError):
        return CommandError(f"{error.message} [{error.code}]")
    return CommandError(str(error))
