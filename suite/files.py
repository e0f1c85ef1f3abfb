"""Serving uploaded files: the public media view, and handing file bodies to the web server.

Public files (institution logos, facility photos) are served by ``media`` under
``/media/<folder>/<path>``; it decides on the *normalised* path and serves only the folders
named in ``SUITE_PUBLIC_MEDIA_FOLDERS`` — a path that is not plainly inside one of them
(``.``/``..`` segments, empty segments, backslashes, percent signs left after the server's
one decoding, hidden names, symlinks leading out) is a 404, whatever the case or encoding.
Everything else under the media root, private files above all, is read only by views that
check permission and answer with a FileResponse.

In production the web server can send the bytes instead of a Python worker:
``FileOffloadMiddleware`` turns every FileResponse of a file under MEDIA_ROOT — after the
view has decided who may have it — into an empty response carrying ``X-Accel-Redirect``
(nginx; an ``internal`` location maps ``SUITE_FILE_OFFLOAD_PREFIX`` to MEDIA_ROOT) or
``X-Sendfile`` (Apache mod_xsendfile, lighttpd). See docs/deployment.md.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date
from django.views.static import was_modified_since

# Characters that never appear in a name the suite stores (storage names are made of
# get_valid_filename's letters, digits, "-", "_" and "."), so their presence means a
# trick: "\" (Windows separators), "%" (a second round of percent-encoding), NUL, ":".
_REFUSED_CHARACTERS = frozenset("\\%\x00:")


def _allowed_folders(request) -> set[str]:
    allowed = {"public"}
    institution = getattr(request, "institution", None)
    if institution is not None:
        allowed.add(institution.schema_name)
    return allowed


def public_file(request, folder: str, path: str) -> Path | None:
    """The file ``/media/<folder>/<path>`` may serve to anyone on this host, or None.

    ``path`` is the URL path after the server's single percent-decoding. It must be a plain
    relative path (no empty, ``.``, ``..`` or hidden segments, no backslash, no ``%``, no
    control characters) whose first folder is a public one, and it must resolve — symlinks
    followed — to a regular file inside that folder.
    """
    if folder not in _allowed_folders(request):
        return None
    if any(ch in _REFUSED_CHARACTERS or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        return None
    segments = path.split("/")
    if any(not s or s in (".", "..") or s.startswith(".") for s in segments):
        return None
    if len(segments) < 2 or segments[0] not in settings.SUITE_PUBLIC_MEDIA_FOLDERS:
        return None
    root = Path(settings.MEDIA_ROOT, folder, segments[0]).resolve()
    target = Path(settings.MEDIA_ROOT, folder, *segments).resolve()
    if not target.is_relative_to(root) or target == root or not target.is_file():
        return None
    return target


def media(request, folder: str, path: str):
    """Serve a public upload: the platform's, and the current institution's own only."""
    target = public_file(request, folder, path)
    if target is None:
        raise Http404
    stat = target.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        return HttpResponseNotModified()
    content_type, encoding = mimetypes.guess_type(target.name)
    response = FileResponse(
        target.open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["Last-Modified"] = http_date(stat.st_mtime)
    if encoding:
        response["Content-Encoding"] = encoding
    # An uploaded file opened on its own (an SVG, say) must not run as a page of this host.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _disk_path(filelike) -> Path | None:
    """The absolute path of the file a FileResponse streams (a Django File, a FieldFile
    opened from the file system, or a plain file object), or None."""
    for candidate in (
        getattr(filelike, "name", None),
        getattr(getattr(filelike, "file", None), "name", None),
    ):
        if isinstance(candidate, str) and os.path.isabs(candidate):
            return Path(candidate)
    return None


# Headers of the original answer the web server must keep when it sends the file itself.
_KEPT = (
    "Content-Type",
    "Content-Disposition",
    "Cache-Control",
    "Last-Modified",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Vary",
)


class FileOffloadMiddleware:
    """With ``SUITE_FILE_OFFLOAD`` set, the web server sends media files, not Python.

    ``x-accel-redirect``: ``X-Accel-Redirect: <SUITE_FILE_OFFLOAD_PREFIX><path under
    MEDIA_ROOT>``; ``x-sendfile``: ``X-Sendfile: <absolute path>``. Only FileResponses
    of files under MEDIA_ROOT are handed over (exports and generated downloads stream as
    before), and only after the view allowed them: a refused request never gets here
    with a file.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        mode = (getattr(settings, "SUITE_FILE_OFFLOAD", "") or "").lower()
        if not mode or not isinstance(response, FileResponse):
            return response
        path = _disk_path(getattr(response, "file_to_stream", None))
        if path is None:
            return response
        media_root = Path(settings.MEDIA_ROOT).resolve()
        resolved = path.resolve()
        if not resolved.is_relative_to(media_root):
            return response
        offloaded = HttpResponse(b"", status=response.status_code)
        for header in _KEPT:
            if header in response:
                offloaded[header] = response[header]
        for name, value in response.cookies.items():
            offloaded.cookies[name] = value
        if mode == "x-sendfile":
            offloaded["X-Sendfile"] = str(resolved)
        else:
            prefix = settings.SUITE_FILE_OFFLOAD_PREFIX.rstrip("/") + "/"
            relative = resolved.relative_to(media_root).as_posix()
            offloaded["X-Accel-Redirect"] = prefix + quote(relative)
        # Only the file: response.close() would also signal the end of the request.
        response.file_to_stream.close()
        return offloaded
