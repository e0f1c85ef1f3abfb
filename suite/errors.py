"""Error codes and their Korean messages as data: an app keeps one table (code → message)
and takes ``message``, ``invalid`` and its conflict/forbidden errors from it here, so
views, the API and tests share the codes and the texts (groupware.approval,
groupware.exchange)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.functional import Promise


class ErrorTable:
    """One app's messages by code; ``{name}`` placeholders are filled from keyword params."""

    def __init__(self, messages: Mapping[str, str | Promise]):
        self.messages = messages

    def message(self, code: str, **params) -> str:
        text = str(self.messages[code])
        return text.format(**params) if params else text

    def invalid(self, code: str, field: str | None = None, **params) -> ValidationError:
        """A 400-style error with a Korean message, optionally tied to a form field."""
        text = self.message(code, **params)
        if field:
            return ValidationError({field: ValidationError(text, code=code)})
        return ValidationError(text, code=code)


class CodedError(Exception):
    """An error with a stable ``code`` and its Korean ``message`` from the app's table.
    Subclasses set ``table`` and the ``default_code``."""

    table: ErrorTable
    default_code: str

    def __init__(self, code: str | None = None, **params):
        self.code = code or self.default_code
        self.message = self.table.message(self.code, **params)
        super().__init__(self.message)
