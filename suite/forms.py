"""Form helpers shared by every app's pages."""

from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, next to the fields it names.

    ``aliases`` maps a service's field name to the form's (e.g. ``start`` →
    ``start_time``); names the form does not have go to the form's top.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        target = (aliases or {}).get(field, field)
        form.add_error(target if target in form.fields else None, errors)
