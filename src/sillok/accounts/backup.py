"""``sillok backup`` and ``sillok restore``: the whole archive — every table (records, audit
trail, users) and every blob — in one consistent snapshot, encrypted (crypto_stream.py).

The snapshot is one read transaction (REPEATABLE READ on PostgreSQL, an explicit BEGIN on
SQLite's WAL), so a backup taken while the server writes is still consistent. Blobs are
written before the rows that refer to them and never deleted, so every blob a snapshot row
names is on disk. Inside the encryption the stream is JSON lines, with raw blob bytes after
their header line, so neither side holds the archive in memory.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Date, Engine, func, insert, select, text
from sqlalchemy import inspect as sa_inspect
from zxcvbn import zxcvbn

from sillok.archive.audit_anchor import KEY_NAME as AUDIT_KEY
from sillok.archive.audit_anchor import Anchor, Head, attach
from sillok.archive.blobs import BlobStore
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.db import migrate
from sillok.db.engine import make_engine
from sillok.db.models import AuditEntry, Base
from sillok.db.types import UTCDateTime
from sillok.errors import Forbidden, SillokError
from sillok.private_files import make_dir, write_file
from sillok.security.crypto_stream import DecryptingReader, EncryptingWriter
from sillok.security.keys import Key, load_keys, save_keys
from sillok.security.policy import Actor, Role

FORMAT = 1
BATCH = 1000
# zxcvbn's top score: more than 10^10 guesses. A backup can be attacked offline for as long as
# its copy exists, so scrypt's cost per guess is not counted on to save a weak passphrase.
MIN_SCORE = 4
PSEUDONYM_KEY = "pseudonym.key"


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that a guesser would find (one line; restore takes any)."""
    result = zxcvbn(passphrase, user_inputs=["sillok", "backup", "silrok", "archive"])
    if result["score"] < MIN_SCORE:
        warning = result["feedback"]["warning"]
        raise SillokError("the backup passphrase is too weak"
                          + (f" ({warning.rstrip('.')})" if warning else "")
                          + ": use four or more random words, or 16 random characters")


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return value


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"
            ).encode("utf-8")


def _snapshot(engine: Engine) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        # pysqlite does not BEGIN before a SELECT; without this each query would see a
        # different moment of a database that the server keeps writing.
        conn.exec_driver_sql("BEGIN")
    else:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.exec_driver_sql("SELECT 1")
    return conn


def backup(archive: Archive, actor: Actor, out: Path, passphrase: str,
           include_keys: bool = False) -> dict[str, Any]:
    """Write the backup; the archive's keys go in only with ``include_keys`` (see _key_line).
    The report's ``keys_left_out`` names the key files that must then be kept by hand."""
    if actor.role != Role.admin:
        raise Forbidden("only administrators take backups")
    check_passphrase(passphrase)
    store = BlobStore(archive.settings.blob_dir)
    target = out.resolve()
    if not target.parent.is_dir():
        raise SillokError(f"cannot write {out}: no such directory")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    counts: dict[str, int] = {}
    try:
        with os.fdopen(fd, "wb") as fh:
            writer = EncryptingWriter(fh, passphrase)
            conn = _snapshot(archive.engine)
            try:
                revision = migrate.current_revision(archive.engine)
                writer.write(_line({"format": FORMAT, "schema": revision,
                                    "backend": archive.engine.dialect.name}))
                for table in Base.metadata.sorted_tables:
                    n = 0
                    order = list(table.primary_key.columns)
                    for row in conn.execute(select(table).order_by(*order)).mappings():
                        writer.write(_line({"t": table.name,
                                            "r": {k: _encode(v) for k, v in row.items()}}))
                        n += 1
                    counts[table.name] = n
                shas = [r[0] for r in conn.execute(text("SELECT sha256 FROM blobs"))]
                encrypted = counts.get("at_rest_keys", 0) > 0
            finally:
                conn.rollback()
                conn.close()
            left_out = _keys_present(archive.settings, encrypted)
            anchor = attach(archive.engine, archive.settings)
            if anchor.has_key():
                left_out.append("audit")
            if include_keys:
                writer.write(_line(_key_line(archive.settings, encrypted)))
                if anchor.has_key():
                    # The restored trail must still verify: its signatures need this key.
                    writer.write(_line({"audit_key": base64.b64encode(anchor.key()).decode()}))
                left_out = []
            for sha in shas:
                data = store.get(sha)
                writer.write(_line({"b": sha, "size": len(data)}))
                writer.write(data)
            writer.write(_line({"end": True, "counts": counts, "blobs": len(shas),
                                "keys_left_out": left_out}))
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"file": str(out), "tables": counts, "blobs": len(shas),
            "keys_left_out": left_out}


def _keys_present(settings: Settings, encrypted: bool) -> list[str]:
    """The key files this archive has: ``at-rest`` (SILLOK_KEY_FILE), ``pseudonym``."""
    found = []
    if encrypted or settings.key_path.exists():
        found.append("at-rest")
    if (settings.data_dir / PSEUDONYM_KEY).exists():
        found.append("pseudonym")
    return found


def _key_line(settings: Settings, encrypted: bool) -> dict[str, Any]:
    """The keys, only when asked for (``--include-keys``): by default a backup holds no key,
    so that a copied backup and a guessed or leaked passphrase do not also open the protected
    details (encrypted at rest so that the database alone would not) or undo pseudonyms. The
    operator keeps the key files apart (docs/keys.md). An encrypted archive whose key file
    cannot be read is not backed up with its keys at all."""
    line: dict[str, Any] = {"keys": []}
    if encrypted or settings.key_path.exists():
        line["keys"] = [{"id": k.id, "key": base64.b64encode(k.material).decode("ascii"),
                         "created": k.created} for k in load_keys(settings.key_path).values()]
    pseudonym = settings.data_dir / PSEUDONYM_KEY
    if pseudonym.exists():
        line["pseudonym"] = base64.b64encode(pseudonym.read_bytes()).decode("ascii")
    return line


def _restore_pseudonym_key(settings: Settings, encoded: str) -> None:
    path = settings.data_dir / PSEUDONYM_KEY
    secret = base64.b64decode(encoded)
    if path.exists() and path.read_bytes() != secret:
        raise SillokError(f"{path} holds another pseudonym key than the backup: remove it "
                          "and restore again")
    write_file(path, secret)


def _restore_keys(settings: Settings, listed: list[dict[str, Any]]) -> int:
    """Put the backup's keys into the key file of the restored archive (added to any keys
    already there; a different key under the same id is refused)."""
    path = settings.key_path
    keys = load_keys(path) if path.exists() else {}
    for item in listed:
        key = Key(id=str(item["id"]), material=base64.b64decode(item["key"]),
                  created=str(item.get("created", "")))
        if key.id in keys and keys[key.id].material != key.material:
            raise SillokError(f"the key file {path} holds a different key {key.id} than the "
                              "backup: restore with another SILLOK_KEY_FILE")
        keys[key.id] = key
    save_keys(path, keys)
    return len(listed)


def _restore_audit_key(engine: Engine, settings: Settings, material: bytes) -> None:
    """The audit key back beside the restored archive, and its checkpoint at the restored
    trail's end (the backup, opened with its passphrase, is trusted as a whole)."""
    anchor = Anchor(settings)
    anchor.install_key(material)
    with engine.connect() as conn:
        last = conn.execute(select(AuditEntry.id, AuditEntry.entry_hash)
                            .order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is not None:
        anchor.advance(Head(last[0], last[1]))


def _decoder(columns: dict[str, Any]) -> Any:
    def decode(row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in row.items():
            if isinstance(value, dict) and "$dt" in value and len(value) == 1:
                value = datetime.fromisoformat(value["$dt"])
            elif isinstance(value, dict) and "$d" in value and len(value) == 1:
                value = date.fromisoformat(value["$d"])
            elif value is not None and isinstance(columns[key].type, UTCDateTime | Date) and \
                    isinstance(value, str):
                value = (datetime.fromisoformat(value) if isinstance(columns[key].type,
                                                                     UTCDateTime)
                         else date.fromisoformat(value))
            out[key] = value
        return out
    return decode


def restore(settings: Settings, src: Path, passphrase: str) -> dict[str, Any]:
    """Restore into an empty data directory (and an empty database for PostgreSQL)."""
    if settings.is_sqlite and (settings.data_dir / "sillok.db").exists():
        raise SillokError(f"{settings.data_dir} already holds an archive: restore into an empty "
                          "data directory")
    if settings.blob_dir.exists() and any(settings.blob_dir.rglob("*")):
        raise SillokError(f"{settings.blob_dir} is not empty: restore into an empty data directory")
    try:
        fh: BinaryIO = src.open("rb")
    except OSError as exc:
        raise SillokError(f"{src}: cannot read ({exc.strerror})") from None
    make_dir(settings.data_dir)
    engine = make_engine(settings)
    try:
        with fh:
            reader = DecryptingReader(fh, passphrase)
            return _load(engine, settings, reader)
    except BaseException:
        engine.dispose()
        if settings.is_sqlite:
            # Nothing half-restored is left behind to be mistaken for an archive.
            for suffix in ("", "-wal", "-shm"):
                (settings.data_dir / f"sillok.db{suffix}").unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()


def _load(engine: Engine, settings: Settings, reader: DecryptingReader) -> dict[str, Any]:
    manifest = json.loads(reader.readline())
    if manifest.get("format") != FORMAT:
        raise SillokError("backup format not understood by this version of Sillok")
    if sa_inspect(engine).get_table_names():
        raise SillokError("the target database is not empty: restore into an empty one")
    store = BlobStore(settings.blob_dir)
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    pending: dict[str, list[dict[str, Any]]] = {}
    decoders = {name: _decoder(dict(t.columns.items())) for name, t in tables.items()}
    blobs = 0
    keys: list[dict[str, Any]] | None = None
    pseudonym: str | None = None
    audit_key: bytes | None = None
    # Schema and rows in one transaction: on PostgreSQL a refused backup leaves no table behind
    # (SQLite's file is removed by the caller instead).
    with engine.begin() as conn:
        migrate.upgrade_on(conn, manifest["schema"])
        while True:
            raw = reader.readline()
            if not raw:
                raise SillokError("backup is truncated: its end is missing")
            item = json.loads(raw)
            if "t" in item:
                batch = pending.setdefault(item["t"], [])
                batch.append(decoders[item["t"]](item["r"]))
                if len(batch) >= BATCH:
                    _flush(conn, tables, pending)
            elif "keys" in item:
                keys = item["keys"]
                pseudonym = item.get("pseudonym")
            elif "audit_key" in item:
                audit_key = base64.b64decode(item["audit_key"])
            elif "b" in item:
                _flush(conn, tables, pending)
                data = reader.read(int(item["size"]))
                if store.put(data) != item["b"]:
                    raise SillokError(f"blob {item['b']} does not match its hash")
                blobs += 1
            elif item.get("end"):
                _flush(conn, tables, pending)
                counts = item["counts"]
                left_out = list(item.get("keys_left_out", []))
                break
        reader.finish()
        _reset_sequences(conn, tables)
    migrate.upgrade(engine)
    restored_keys = _restore_keys(settings, keys) if keys else 0
    if pseudonym is not None:
        _restore_pseudonym_key(settings, pseudonym)
    if audit_key is not None:
        _restore_audit_key(engine, settings, audit_key)
    # What the operator must copy by hand, and where to (the CLI says so).
    to_copy = {"at-rest": str(settings.key_path),
               "pseudonym": str(settings.data_dir / PSEUDONYM_KEY),
               "audit": str(settings.key_path.parent / AUDIT_KEY)}
    return {"tables": counts, "blobs": blobs, "schema": manifest["schema"],
            "keys": restored_keys, "pseudonym_key": pseudonym is not None,
            "copy_by_hand": {name: to_copy[name] for name in left_out if name in to_copy}}


def _flush(conn: Connection, tables: dict[str, Any], pending: dict[str, list[dict[str, Any]]]
           ) -> None:
    # Rows arrive table by table in dependency order, so flushing in arrival order is safe.
    for name in list(pending):
        if pending[name]:
            conn.execute(insert(tables[name]), pending[name])
        del pending[name]


def _reset_sequences(conn: Connection, tables: dict[str, Any]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for name, table in tables.items():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
            top = conn.execute(select(func.max(pk[0]))).scalar_one()
            if top is not None:
                conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), :v)"),
                             {"t": name, "c": pk[0].name, "v": top})
