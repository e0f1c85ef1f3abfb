from django import template

from notifications import events

register = template.Library()


@register.filter
def event_label(code: str) -> str:
    """The Korean name of a notification event ("booking_approved" → 대관 승인)."""
    spec = events.REGISTRY.get(code)
    return str(spec.label) if spec else code
