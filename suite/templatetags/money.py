"""Money as people read it: whole won with thousands separators ("30,000원").

{% load money %} {{ program.fee|won }}  {{ facility.base_fee|won_from }}
"""

from django import template
from django.utils.translation import gettext

register = template.Library()


def format_won(value) -> str:
    """30000 → "30,000원"; "" for anything that is not a whole amount."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    return gettext("%(amount)s원") % {"amount": f"{amount:,}"}


@register.filter
def won(value) -> str:
    return format_won(value)


@register.filter
def won_from(value) -> str:
    """A starting price: "30,000원부터"."""
    amount = format_won(value)
    return gettext("%(amount)s부터") % {"amount": amount} if amount else ""
