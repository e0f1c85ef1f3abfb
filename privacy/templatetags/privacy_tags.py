"""Template filters: ``{{ r.contact_phone|mask_phone }}``, ``|mask_name``, ``|mask_email``;
``{% privacy_policy_url %}`` for footers."""

from django import template
from django.urls import NoReverseMatch, reverse

from privacy import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_name", masking.mask_name)
register.filter("mask_email", masking.mask_email)


@register.simple_tag
def privacy_policy_url() -> str:
    try:
        return reverse("privacy:policy")
    except NoReverseMatch:
        return "/privacy/"
