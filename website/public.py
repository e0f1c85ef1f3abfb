"""website's public face: what programs (강좌·행사, edited by the same staff as the site)
uses of the institution's public site.

- ``staff_view(capability, reason=…)`` — the site's staff pages' door
  (``accounts.access.staff_page``: anonymous → log-in, outsiders → 404, members without
  the capability → 403);
- ``clean_rich(text)`` — the site editor's text (rich or plain) through the one
  sanitiser.
"""

from website.permissions import staff_view
from website.services import clean_rich

__all__ = ["clean_rich", "staff_view"]
