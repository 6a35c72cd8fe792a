"""The collected static files' storage, remembering the address of each file it was asked for.

``{% static %}`` asks the storage for a file's address on every page (three times on each
public page): the manifest lookup, quoting and URL joining took ~30 µs each. A release's
manifest never changes while a process runs (collectstatic runs before the servers start),
so each name's address is worked out once; a name the manifest lacks still raises every time.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        urls = self.__dict__.setdefault("_remembered_urls", {})
        address = urls.get(name)
        if address is None:
            address = urls[name] = super().url(name)
        return address
