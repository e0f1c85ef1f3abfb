"""문서유통's public face: what 전자결재 (groupware.approval) shows of the exchange.

- ``institutions_directory(institution)`` — the institutions of the cloud a document may
  be sent to (the drafting page's 수신처 picker);
- ``visible_received(user, institution)`` — the received documents the person may open
  (the department register links only those).

Everything else the exchange adds to approval's pages comes through approval's own
registries (``document_panels``, ``record_disposed``: groupware/approval/public.py).
"""

from groupware.exchange.selectors import institutions_directory, visible_received

__all__ = ["institutions_directory", "visible_received"]
