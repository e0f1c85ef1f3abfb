"""File storage. Institution files go to MEDIA_ROOT/<schema>/ (TenantFileSystemStorage,
the default); platform-wide public files (institution logos) to MEDIA_ROOT/public/."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _PublicStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.MEDIA_ROOT / "public", base_url=settings.MEDIA_URL + "public/"
        )


public_storage = _PublicStorage()


def get_public_storage():
    return public_storage
