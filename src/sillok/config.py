"""Settings from SILLOK_* environment variables, gathered in one object."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sillok.errors import SillokError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def parse_networks(value: str | None, name: str = "SILLOK_TRUSTED_PROXIES"
                   ) -> tuple[Network, ...]:
    """Addresses and networks separated by commas or spaces (``10.0.0.1, 192.168.0.0/24``)."""
    networks = []
    for item in (value or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SillokError(f"{name}: '{item}' is not an IP address or network") from None
    return tuple(networks)


SEARCH_BACKENDS = ("database", "tantivy")


def _backend(value: str | None, database_url: str | None) -> str:
    """SILLOK_SEARCH_BACKEND, or the default: the embedded tantivy index beside a SQLite
    archive (as good on every search and protection test, faster in the tail under load:
    bench/README.md), the database's own index on PostgreSQL (a server archive whose writers
    may be on several machines, which a local index cannot follow)."""
    name = (value or ("database" if database_url else "tantivy")).strip().lower()
    if name not in SEARCH_BACKENDS:
        raise SillokError(f"SILLOK_SEARCH_BACKEND: '{value}' is not one of "
                          f"{', '.join(SEARCH_BACKENDS)}")
    return name


@dataclass(frozen=True)
class AuthSettings:
    """Sign-in: session lifetimes, cookies, lockout and the second factor (docs/security.md)."""

    # A session unused this long ends (SILLOK_SESSION_IDLE_MINUTES).
    idle_minutes: float = 30
    # A session ends this long after sign-in whatever its use (SILLOK_SESSION_MAX_HOURS).
    max_hours: float = 12
    # Cookies only over HTTPS (SILLOK_COOKIE_SECURE=0 to turn off). Browsers treat
    # http://localhost and http://127.0.0.1 as secure, so a local `make run` works with it on;
    # turn it off only for plain-HTTP access from another machine on a trusted network.
    cookie_secure: bool = True
    # Failed sign-ins in a row before an account is locked, and for how long.
    max_failures: int = 5
    lockout_minutes: float = 15
    # Failed sign-ins one client address may make per window (any user names).
    address_failures: int = 20
    address_window_minutes: float = 15
    # Administrators must use TOTP to sign in to the web (SILLOK_REQUIRE_ADMIN_TOTP=1).
    require_admin_totp: bool = False
    # Reverse proxies whose X-Forwarded-For is believed (SILLOK_TRUSTED_PROXIES, addresses or
    # networks). None by default: anyone can send that header, and believing it would let one
    # client pose as many and slip past the limit per address.
    trusted_proxies: tuple[Network, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AuthSettings:
        d = cls()
        return cls(
            idle_minutes=float(env.get("SILLOK_SESSION_IDLE_MINUTES") or d.idle_minutes),
            max_hours=float(env.get("SILLOK_SESSION_MAX_HOURS") or d.max_hours),
            cookie_secure=_flag(env.get("SILLOK_COOKIE_SECURE"), d.cookie_secure),
            max_failures=int(env.get("SILLOK_LOGIN_MAX_FAILURES") or d.max_failures),
            lockout_minutes=float(env.get("SILLOK_LOCKOUT_MINUTES") or d.lockout_minutes),
            address_failures=int(env.get("SILLOK_LOGIN_ADDRESS_FAILURES")
                                 or d.address_failures),
            address_window_minutes=d.address_window_minutes,
            require_admin_totp=_flag(env.get("SILLOK_REQUIRE_ADMIN_TOTP"),
                                     d.require_admin_totp),
            trusted_proxies=parse_networks(env.get("SILLOK_TRUSTED_PROXIES")),
        )


@dataclass(frozen=True)
class Settings:
    """Where the archive lives and how it behaves.

    ``database_url`` wins over ``data_dir`` for the database; blobs always live under
    ``data_dir`` (a PostgreSQL archive still keeps its original files on disk).
    """

    data_dir: Path = field(default_factory=lambda: Path("sillok-data"))
    database_url: str | None = None
    # A hot standby of ``database_url`` that anonymous visitors' reads are served from
    # (SILLOK_PUBLIC_DATABASE_URL; archive/replica.py, docs/replica.md). None: the primary.
    public_database_url: str | None = None
    echo_sql: bool = False
    # Public statistics hide cells with fewer victims than this (disclosure control).
    min_cell: int = 5
    # Ingest refuses files larger than this (SILLOK_MAX_FILE_MB, default 200 MB).
    max_file_bytes: int = 200 * 1024 * 1024
    auth: AuthSettings = field(default_factory=AuthSettings)
    # The at-rest key file (SILLOK_KEY_FILE); default DATA_DIR/keys/at-rest.json. Put it on
    # another volume so that a copied database (or data directory) alone reveals no identity.
    key_file: Path | None = None
    # New archives keep protected person details encrypted (SILLOK_ENCRYPT_PROTECTED=1).
    encrypt_protected: bool = False
    # Sources that need a witness's consent (testimonies, sources with a witness) are not
    # published, named or counted until it is recorded (SILLOK_CONSENT_REQUIRED=1). Off by
    # default: an archive kept before consent records existed behaves as it did, and a
    # recorded refusal or withdrawal is enforced either way (docs/evidence.md, Consent).
    consent_required: bool = False
    # Web captures get an RFC 3161 timestamp from this authority (SILLOK_TSA_URL), checked
    # against the root certificate(s) in SILLOK_TSA_CERT (PEM); see docs/evidence.md.
    tsa_url: str | None = None
    tsa_cert: Path | None = None
    # Chromium for capture screenshots (SILLOK_CHROMIUM); none found, no screenshot.
    chromium: str | None = None
    # The full-text search engine (SILLOK_SEARCH_BACKEND): "database" (SQLite FTS5 or
    # PostgreSQL's tsvector, in the database itself) or "tantivy" (an embedded index under
    # DATA_DIR/search-index, built from the database's entries; search/tantivy_store.py).
    # from_env defaults to tantivy on SQLite (_backend); settings made in code say which.
    search_backend: str = "database"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            data_dir=Path(env.get("SILLOK_DATA_DIR") or "sillok-data"),
            database_url=env.get("SILLOK_DATABASE_URL") or None,
            public_database_url=env.get("SILLOK_PUBLIC_DATABASE_URL") or None,
            echo_sql=env.get("SILLOK_ECHO_SQL", "") == "1",
            min_cell=int(env.get("SILLOK_MIN_CELL") or 5),
            max_file_bytes=int(float(env.get("SILLOK_MAX_FILE_MB") or 200) * 1024 * 1024),
            auth=AuthSettings.from_env(env),
            key_file=Path(env["SILLOK_KEY_FILE"]) if env.get("SILLOK_KEY_FILE") else None,
            encrypt_protected=env.get("SILLOK_ENCRYPT_PROTECTED", "") == "1",
            consent_required=_flag(env.get("SILLOK_CONSENT_REQUIRED"), False),
            tsa_url=env.get("SILLOK_TSA_URL") or None,
            tsa_cert=Path(env["SILLOK_TSA_CERT"]) if env.get("SILLOK_TSA_CERT") else None,
            chromium=env.get("SILLOK_CHROMIUM") or None,
            search_backend=_backend(env.get("SILLOK_SEARCH_BACKEND"),
                                    env.get("SILLOK_DATABASE_URL") or None),
        )

    def with_data_dir(self, data_dir: Path | None) -> Settings:
        return self if data_dir is None else replace(self, data_dir=data_dir)

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sillok.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def key_path(self) -> Path:
        return self.key_file or self.data_dir / "keys" / "at-rest.json"
