"""File storage. Institution files go to MEDIA_ROOT/<schema>/ (PrivateNamingStorage, the
default); platform-wide public files (institution logos) to MEDIA_ROOT/public/.

Public and private files share the media root, so what keeps a private file private is
not where it lies but who serves it: the generic media view (suite.files.media) serves
only the folders named in ``SUITE_PUBLIC_MEDIA_FOLDERS`` and nothing else; every other
file (approval PDFs and attachments, board attachments, staff photos and signatures —
all stored under ``private/``) is read only by views that check permission. New private
files also get an unguessable name: a 128-bit random folder in front of the file name.
"""

import posixpath
import re
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject
from django_tenants.files.storage import TenantFileSystemStorage

PRIVATE_PREFIX = "private/"
# A folder of 32+ hex digits (uuid4().hex, token_hex(16)) already makes a name unguessable.
_RANDOM_SEGMENT = re.compile(r"^[0-9a-f]{32,}$")


def unguessable_name(name: str) -> str:
    """``private/…/file.pdf`` → ``private/…/<32 random hex>/file.pdf`` unless a folder of
    the name already carries that much randomness. Other names are returned unchanged."""
    if not name.startswith(PRIVATE_PREFIX):
        return name
    folder, base = posixpath.split(name)
    if any(_RANDOM_SEGMENT.match(segment) for segment in folder.split("/")):
        return name
    return posixpath.join(folder, secrets.token_hex(16), base)


class PrivateNamingStorage(TenantFileSystemStorage):
    """The institution's storage (MEDIA_ROOT/<schema>/); private files get unguessable
    names when they are saved. Files saved earlier keep their names and stay readable."""

    def _clear_cached_properties(self, setting, **kwargs):
        # django-tenants forgets its own cached root when MEDIA_ROOT changes (and passes the
        # settings module where the setting's name belongs), so a changed MEDIA_ROOT (tests)
        # kept writing to and reading from the old folder.
        FileSystemStorage._clear_cached_properties(self, setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL", "MULTITENANT_RELATIVE_MEDIA_ROOT"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(unguessable_name(name), max_length=max_length)


class _PublicStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.MEDIA_ROOT / "public", base_url=settings.MEDIA_URL + "public/"
        )


public_storage = _PublicStorage()


def get_public_storage():
    return public_storage
