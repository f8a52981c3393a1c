"""Settings from SILLOK_* environment variables, gathered in one object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where the archive lives and how it behaves.

    ``database_url`` wins over ``data_dir`` for the database; blobs always live under
    ``data_dir`` (a PostgreSQL archive still keeps its original files on disk).
    """

    data_dir: Path = field(default_factory=lambda: Path("sillok-data"))
    database_url: str | None = None
    echo_sql: bool = False
    # Public statistics hide cells with fewer victims than this (disclosure control).
    min_cell: int = 5
    # Ingest refuses files larger than this (SILLOK_MAX_FILE_MB, default 200 MB).
    max_file_bytes: int = 200 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            data_dir=Path(env.get("SILLOK_DATA_DIR") or "sillok-data"),
            database_url=env.get("SILLOK_DATABASE_URL") or None,
            echo_sql=env.get("SILLOK_ECHO_SQL", "") == "1",
            min_cell=int(env.get("SILLOK_MIN_CELL") or 5),
            max_file_bytes=int(float(env.get("SILLOK_MAX_FILE_MB") or 200) * 1024 * 1024),
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
