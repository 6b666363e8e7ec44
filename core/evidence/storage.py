"""Where evidence files are kept: one small interface (put, get, delete, exists, signed_url) with a local-directory
adapter (the default) and a Supabase Storage adapter. Adapters are registered in `ADAPTERS`.

An adapter is bound to one organization and refuses any key outside that organization's prefix. Keys are made
here from the organization's id and a random token, never from a name a person typed, and are checked against a
strict pattern before any path or URL is built from them, so path traversal cannot be expressed.
"""
from __future__ import annotations

import os
import re
import secrets
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from core.errors import DomainError, NotFound
from core.settings import Settings, get_settings

KEY_PATTERN = re.compile(r"^([0-9a-f]{32})/([0-9a-f]{32})$")  # "<organization id hex>/<random hex>"
SIGNED_URL_SECONDS = 60  # a download link lives this long: enough to start the download, too short to pass around


def new_key(org_id: uuid.UUID) -> str:
    return f"{org_id.hex}/{secrets.token_hex(16)}"


class EvidenceStorage(Protocol):
    org_id: uuid.UUID

    def put(self, key: str, data: bytes, media_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def signed_url(self, key: str, expires_in: int = SIGNED_URL_SECONDS) -> str | None: ...


class _OrgBound:
    def __init__(self, org_id: uuid.UUID) -> None:
        self.org_id = org_id

    def _check(self, key: str) -> tuple[str, str]:
        m = KEY_PATTERN.fullmatch(key or "")
        if m is None or m.group(1) != self.org_id.hex:
            # another organization's key is treated like a key that does not exist
            raise NotFound("evidencefile", "-")
        return m.group(1), m.group(2)


class LocalStorage(_OrgBound):
    """Files under `<root>/<organization id>/<random>`; written to a temporary name first, then renamed."""

    def __init__(self, root: Path, org_id: uuid.UUID) -> None:
        super().__init__(org_id)
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        org, name = self._check(key)
        path = (self.root / org / name).resolve()
        if not path.is_relative_to(self.root):  # cannot happen with the pattern above; kept as a second lock
            raise NotFound("evidencefile", "-")
        return path

    def put(self, key: str, data: bytes, media_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise DomainError("evidence.error_storage")
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound("evidencefile", "-") from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def signed_url(self, key: str, expires_in: int = SIGNED_URL_SECONDS) -> str | None:
        self._check(key)
        return None  # served through the app (the page streams the bytes to members)


@lru_cache(maxsize=4)
def _supabase_client(url: str, service_key: str):  # noqa: ANN202
    """The Storage API of a supabase-py client (`create_client(url, key).storage`), made once per project and key.
    The client sends the key as `apikey` and `Authorization: Bearer`; uploads get two minutes, connecting ten
    seconds."""
    import httpx
    from supabase import ClientOptions, create_client

    http = httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0), follow_redirects=True)
    return create_client(url, service_key, ClientOptions(httpx_client=http, auto_refresh_token=False,
                                                    persist_session=False)).storage


class SupabaseStorage(_OrgBound):
    """Supabase Storage through the supabase client's Storage API, with the service-role key, in a private bucket;
    members download through short-lived signed URLs."""

    def __init__(self, url: str, service_key: str, bucket: str, org_id: uuid.UUID) -> None:
        super().__init__(org_id)
        self.bucket = bucket
        self._files = _supabase_client(url, service_key).from_(bucket)

    def _call(self, fn: Callable, *args, missing_ok: bool = False):  # noqa: ANN202
        import httpx
        from storage3.exceptions import StorageApiError

        try:
            return fn(*args)
        except StorageApiError as exc:
            if str(exc.status) == "404":
                if missing_ok:
                    return None
                raise NotFound("evidencefile", "-") from None
            raise DomainError("evidence.error_storage") from exc
        except (httpx.HTTPError, OSError) as exc:  # connection refused, timeouts
            raise DomainError("evidence.error_storage") from exc

    def put(self, key: str, data: bytes, media_type: str) -> None:
        self._check(key)
        self._call(self._files.upload, key, data, {"content-type": media_type, "upsert": "false"})

    def get(self, key: str) -> bytes:
        self._check(key)
        return self._call(self._files.download, key)

    def delete(self, key: str) -> None:
        self._check(key)
        self._call(self._files.remove, [key], missing_ok=True)

    def exists(self, key: str) -> bool:
        self._check(key)
        return bool(self._call(self._files.exists, key))

    def signed_url(self, key: str, expires_in: int = SIGNED_URL_SECONDS) -> str | None:
        self._check(key)
        return self._call(self._files.create_signed_url, key, expires_in)["signedURL"]


def _local(settings: Settings, org_id: uuid.UUID) -> EvidenceStorage:
    return LocalStorage(settings.data_dir / "evidence", org_id)


def _supabase(settings: Settings, org_id: uuid.UUID) -> EvidenceStorage:
    return SupabaseStorage(settings.supabase_url, settings.supabase_service_key, settings.storage_bucket, org_id)


ADAPTERS: dict[str, Callable[[Settings, uuid.UUID], EvidenceStorage]] = {"local": _local, "supabase": _supabase}


def storage_for(org_id: uuid.UUID, settings: Settings | None = None) -> EvidenceStorage:
    """The configured adapter (`CBAM_STORAGE`), bound to one organization."""
    settings = settings or get_settings()
    return ADAPTERS[settings.storage](settings, org_id)
