"""``{{ text|expand_links }}``: stored text's link tokens as absolute URLs for the hosts
and port configured now (suite.links)."""

from django import template

from suite.links import expand

register = template.Library()
register.filter("expand_links", expand)
