"""The institution archive: one .tar.gz with a manifest, every table as CSV, and media.

Layout::

    manifest.json           format, version, source institution, migrations, row counts
    data/<table>.csv        COPY ... TO STDOUT (FORMAT csv, HEADER) of every table
    media/...               the institution's uploaded files (MEDIA_ROOT/<schema>/)

Import loads into a schema freshly cloned from the template, so every table
exists; the template's own rows (default settings) make way for the archive's.
"""

import csv
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tenants.errors import LifecycleError
from tenants.provisioning import _migration_leaves, applied_migrations, qident, schema_tables

FORMAT = "agency-cloud-suite/institution-export"
VERSION = 1
SKIP_ON_LOAD = {"django_migrations"}  # the new schema's own history stays
PROFILE_FIELDS = (
    "address",
    "postal_code",
    "phone",
    "fax",
    "email",
    "homepage",
    "head_title",
    "time_zone",
)


def media_dir(schema_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema_name


def _columns(schema_name: str, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            [schema_name, table],
        )
        return [row[0] for row in cursor.fetchall()]


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def write_archive(institution, path: Path) -> dict:
    """Write the archive to ``path`` (via a temporary file, then rename); return the manifest.

    Outside a transaction the tables are read in one REPEATABLE READ snapshot,
    so the archive is consistent even while the institution is in use.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = institution.schema_name
    partial = path.with_name(path.name + ".part")
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic():
            if outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            manifest = _write(institution, schema, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write(institution, schema: str, partial: Path) -> dict:
    from accounts.models import Membership

    tables = {}
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in schema_tables(schema):
                columns = _columns(schema, table)
                with tempfile.TemporaryFile() as spool:
                    statement = f"COPY {qident(schema)}.{qident(table)} TO STDOUT WITH (FORMAT csv, HEADER true)"
                    with raw.copy(statement) as copy:
                        for chunk in copy:
                            spool.write(chunk)
                    rows = raw.rowcount
                    size = spool.tell()
                    spool.seek(0)
                    info = tarfile.TarInfo(f"data/{table}.csv")
                    info.size = size
                    info.mtime = int(timezone.now().timestamp())
                    tar.addfile(info, spool)
                tables[table] = {"rows": rows, "columns": columns}
        media = media_dir(schema)
        media_files = 0
        if media.is_dir():
            for file in sorted(media.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    tar.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
                    media_files += 1
        memberships = [
            {"email": m.user.email, "role": m.role, "is_active": m.is_active}
            for m in Membership.objects.filter(institution=institution).select_related("user")
        ]
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "suite_version": _suite_version(),
            "exported_at": timezone.now().isoformat(),
            "source": {
                "slug": institution.slug,
                "schema_name": schema,
                "name": institution.name,
                "short_name": institution.short_name,
                "status": institution.status,
                "created_at": institution.created_at.isoformat(),
                "profile": {f: getattr(institution, f) for f in PROFILE_FIELDS},
            },
            "migrations": sorted([app, name] for app, name in applied_migrations(schema)),
            "tables": tables,
            "memberships": memberships,
            "media_files": media_files,
        }
        _add_bytes(
            tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        )
    return manifest


def _suite_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("agency-cloud-suite")
    except PackageNotFoundError:
        return "unknown"


def read_manifest(path: Path) -> dict:
    """The archive's manifest, or LifecycleError("archive_invalid")."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.getmember("manifest.json")
            manifest = json.load(tar.extractfile(member))
    except FileNotFoundError as error:
        raise LifecycleError("archive_invalid", detail="파일이 없습니다") from error
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise LifecycleError("archive_invalid", detail=type(error).__name__) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise LifecycleError("archive_invalid", detail="형식이 다릅니다")
    if manifest.get("version") != VERSION:
        raise LifecycleError(
            "archive_invalid", detail=f"지원하지 않는 버전 {manifest.get('version')}"
        )
    if not isinstance(manifest.get("tables"), dict) or not isinstance(manifest.get("source"), dict):
        raise LifecycleError("archive_invalid", detail="manifest 항목이 빠졌습니다")
    return manifest


def check_compatible(manifest: dict) -> None:
    """Refuse archives made by a newer version (migrations this code does not have)."""
    known = _known_migrations()
    missing = [f"{a}.{n}" for a, n in manifest.get("migrations", []) if (a, n) not in known]
    if missing:
        raise LifecycleError("archive_newer", missing=", ".join(missing[:5]))


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    _migration_leaves()  # warm the loader cache used elsewhere
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.graph.nodes)
    for key, migration in loader.replacements.items():
        known.add(key)
        known.update(tuple(r) for r in migration.replaces)
    return known


def load_archive(path: Path, institution, manifest: dict) -> dict[str, int]:
    """Load every table of the archive into the institution's schema. Caller is atomic.

    Returns rows per table. Raises LifecycleError when a table or column is
    unknown here, counts differ from the manifest, or a constraint fails.
    """
    schema = institution.schema_name
    existing = set(schema_tables(schema))
    wanted = [t for t in manifest["tables"] if t not in SKIP_ON_LOAD]
    unknown = sorted(set(wanted) - existing)
    if unknown:
        raise LifecycleError("archive_invalid", detail="이 버전에 없는 표: " + ", ".join(unknown))
    loaded: dict[str, int] = {}
    with connection.cursor() as cursor:
        clear = sorted(existing - SKIP_ON_LOAD)
        if clear:
            cursor.execute(
                "TRUNCATE " + ", ".join(f"{qident(schema)}.{qident(t)}" for t in clear) + " CASCADE"
            )
        raw = cursor.cursor
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not (member.isfile() and member.name.startswith("data/")):
                    continue
                table = member.name[len("data/") : -len(".csv")]
                if table in SKIP_ON_LOAD:
                    continue
                if table not in manifest["tables"]:
                    raise LifecycleError("archive_invalid", detail=f"manifest에 없는 표 {table}")
                handle = tar.extractfile(member)
                header = handle.readline().decode()
                columns = next(csv.reader([header]), []) if header.strip() else []
                allowed = set(_columns(schema, table))
                if not columns or not set(columns) <= allowed:
                    raise LifecycleError(
                        "archive_invalid", detail=f"{table}: 이 버전에 없는 열이 있습니다"
                    )
                column_sql = ", ".join(qident(c) for c in columns)
                statement = (
                    f"COPY {qident(schema)}.{qident(table)} ({column_sql}) FROM STDIN"
                    " WITH (FORMAT csv)"
                )
                with raw.copy(statement) as copy:
                    for chunk in iter(lambda h=handle: h.read(1 << 16), b""):
                        copy.write(chunk)
                loaded[table] = raw.rowcount
        _reset_sequences(cursor, schema)
        _check_counts(cursor, schema, manifest, loaded)
        try:
            with transaction.atomic():
                # Foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now,
                # so a broken archive fails here with a message, not at commit.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except Exception as error:
            raise LifecycleError("archive_invalid", detail=str(error).splitlines()[0]) from error
    _restore_media(path, schema)
    return loaded


def _reset_sequences(cursor, schema: str) -> None:
    """Move every identity/serial sequence past the loaded ids."""
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = %s AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')",
        [schema],
    )
    for table, column in cursor.fetchall():
        qualified = f"{qident(schema)}.{qident(table)}"
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s),"  # noqa: S608 — identifiers quoted
            f" COALESCE(MAX({qident(column)}), 1), MAX({qident(column)}) IS NOT NULL)"
            f" FROM {qualified}",
            [qualified, column],
        )


def _check_counts(cursor, schema: str, manifest: dict, loaded: dict[str, int]) -> None:
    wrong = []
    for table, info in manifest["tables"].items():
        if table in SKIP_ON_LOAD:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {qident(schema)}.{qident(table)}")  # noqa: S608 — identifiers quoted
        count = cursor.fetchone()[0]
        if count != info["rows"]:
            wrong.append(f"{table} {count}≠{info['rows']}")
    if wrong:
        raise LifecycleError("import_mismatch", detail=", ".join(wrong[:5]))


def _restore_media(path: Path, schema: str) -> None:
    target = media_dir(schema)
    with tarfile.open(path, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
        if not members:
            return
        with tempfile.TemporaryDirectory() as scratch:
            # filter="data" refuses absolute paths, "..", links and devices.
            tar.extractall(scratch, members=members, filter="data")
            source = Path(scratch) / "media"
            for file in source.rglob("*"):
                if file.is_file():
                    destination = target / file.relative_to(source)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(file, destination)


def restore_memberships(institution, manifest: dict) -> dict[str, int]:
    """Give back roles to people who exist on this platform (matched by e-mail)."""
    from accounts.models import Membership, Role, User

    restored = skipped = 0
    roles = {r.value for r in Role}
    for entry in manifest.get("memberships", []):
        user = User.objects.filter(email__iexact=entry.get("email", "")).first()
        if user is None or entry.get("role") not in roles:
            skipped += 1
            continue
        Membership.objects.update_or_create(
            user=user,
            institution=institution,
            defaults={"role": entry["role"], "is_active": bool(entry.get("is_active", True))},
        )
        restored += 1
    return {"restored": restored, "skipped": skipped}
