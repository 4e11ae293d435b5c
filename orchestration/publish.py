"""Write-audit-publish: one read-only DuckDB file per reader, all switched to a new version at once.

Marts are built in the warehouse, where no reader looks. Once every gate has passed, a publish writes a
whole version folder out of sight, then switches one pointer to it:

    published/versions/<version>/developers/<developer_id>.duckdb   one per developer: their rows only
    published/versions/<version>/teams/<team>.duckdb                one per team: its aggregates, opted-in members
    published/versions/<version>/{org,platform,product}.duckdb
    published/versions/<version>/manifest.json                      what the version holds (written last)
    published/current -> versions/<version>                         the pointer, replaced by one rename
    published/{developers,teams,org.duckdb,...} -> current/...      stable paths for BI tools (never change)

A kill at any moment leaves `current` on the old version or the new one, so every path a reader opens
resolves to one consistent version; a reader holding a file open keeps its version. Files are written
with a storage format that DuckDB 1.2+ (embedded in BI tools) reads, carry the dbt descriptions as
comments, and are read-only (0444). Unfinished version folders are removed by the next publish.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.dbt import target_path
from orchestration.loader import run_script
from orchestration.marts import load_audiences
from orchestration.paths import DUCKDB_MEMORY_LIMIT, PROJECT_DIR, Paths

# What each audience may see (the brief's access table): the marts its files physically contain, one
# audience per mart folder (`meta.audience` in dbt_project.yml), written out by `ai-telemetry catalog`.
AUDIENCES: dict[str, tuple[str, ...]] = load_audiences()
# Audiences published as one file per subject (the column that names it), in their own folder.
PER_SUBJECT: dict[str, tuple[str, str]] = {"developer": ("developer_id", "developers"), "team": ("team", "teams")}
MART_SCHEMA = "marts"
# DuckDB 2.0 writes a format DuckDB 1.x cannot open; BI tools embed 1.x (Evidence 40: 1.4.2).
STORAGE_VERSION = "v1.2.0"
# A file per developer or team holds a few hundred rows. In DuckDB's default 256 KB blocks each of its tables took
# blocks of its own: 2.0 MiB for a developer's six marts, 850 MB for the 403 developers of the 1M bench. In 16 KB
# blocks such a file is 160 KB; DuckDB 1.2 and later read either. The audiences' shared files keep the default.
PER_SUBJECT_BLOCK_SIZE = 16384
KEEP_VERSIONS = 3  # the current one and the two before it, for readers that opened them a moment ago


@dataclass(frozen=True)
class PublishResult:
    version: str
    git_commit: str
    folder: Path
    files: dict[str, list[Path]]  # audience -> its files
    row_counts: dict[str, int]  # mart -> rows published across its audience's files


def git_commit() -> str:
    """The commit of the models being published ('unknown' outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def record_outcome(
    warehouse: Path,
    version: str,
    outcome: str,
    failed: list[str],
    row_counts: dict[str, dict[str, int]],
    commit: str | None = None,
    audiences: tuple[str, ...] | None = None,
) -> None:
    """Appends one publish-log row per audience (published or held back) to the warehouse: every audience,
    or those given (the fresh path publishes and holds back developer files only)."""
    con = duckdb.connect(str(warehouse))
    try:
        run_script(con, "schema.sql")
        now = datetime.now(UTC)
        commit = commit or git_commit()
        for audience in audiences or tuple(AUDIENCES):
            con.execute(
                "insert into raw.publish_log values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    version,
                    audience,
                    now,
                    commit,
                    outcome,
                    "; ".join(failed) or None,
                    json.dumps(row_counts.get(audience, {})),
                    outcome == "passed",
                ],
            )
    finally:
        con.close()


def file_name(subject: str) -> str:
    """A subject's file name: its id with anything a file system or shell would trip on replaced."""
    return re.sub(r"[^A-Za-z0-9._@+-]", "_", subject).lstrip(".") or "_"


def mart_comments(marts: tuple[str, ...], home: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Each mart's dbt description and its columns': from the manifest of the home's last dbt command, or
    else the project's (the one Dagster parsed)."""
    candidates = (target_path(home) / "manifest.json", PROJECT_DIR / "target" / "manifest.json")
    manifest = next((path for path in candidates if path.exists()), None)
    if manifest is None:
        return {}
    nodes = json.loads(manifest.read_text())["nodes"].values()
    wanted = set(marts)
    return {
        node["alias"]: (node["description"], {c: v["description"] for c, v in node["columns"].items()})
        for node in nodes
        if node["resource_type"] == "model" and node["alias"] in wanted
    }


def _literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters); the text is our own dbt YAML."""
    return "'" + text.replace("'", "''") + "'"


def _fingerprint_part(mart: str, rows: int, xor: int | None) -> str:
    """One mart's part of a subject file's fingerprint, the same whether read from the file or the warehouse."""
    return f"{mart}:{rows}:{xor}"


def _fingerprints(groups: dict[str, dict[str, tuple[int, int | None]]]) -> dict[str, str]:
    """Per subject, its file's fingerprint from each mart's count and XOR of the subject's rows (none: 0, None)."""
    subjects = set().union(*groups.values())
    return {
        subject: ";".join(_fingerprint_part(mart, *found.get(subject, (0, None))) for mart, found in groups.items())
        for subject in subjects
    }


class _Writer:
    """Writes audience files from one connection that has the warehouse attached read-only."""

    def __init__(self, warehouse: Path, version: str, commit: str) -> None:
        self.con = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT})
        self.con.execute("set TimeZone = 'UTC'")
        self.con.execute("attach ? as wh (read_only)", [str(warehouse)])
        self.version, self.commit = version, commit
        self.comments = mart_comments(tuple(m for marts in AUDIENCES.values() for m in marts), warehouse.parent)
        self.published_at = datetime.now(UTC)
        # Per subject file written: its rows' fingerprint (subject_fingerprints gives the warehouse's).
        self.fingerprints: dict[Path, str] = {}
        # Per audience, the warehouse's fingerprint of each subject's rows, when a whole publish computed them all
        # at once (`stage`): a file written from them takes its subject's, after its row counts are checked.
        self.expected: dict[str, dict[str, str]] = {}
        # Per mart of a per-subject audience (`stage`): its rows ordered by subject, and each subject's slice.
        self.staged: dict[str, tuple[pa.Table, dict[str, tuple[int, int]]]] = {}
        self.alias = "out"  # the name the file being written is attached under

    def for_thread(self, number: int) -> _Writer:
        """A writer for another thread: its own cursor on this one's database and its own name for the file it
        writes, sharing everything else (the staged rows, the fingerprints)."""
        twin = copy.copy(self)
        twin.con = self.con.cursor()
        twin.con.execute("set TimeZone = 'UTC'")
        twin.alias = f"out{number}"
        return twin

    def _subject_groups(self, audience: str) -> dict[str, dict[str, tuple[int, int | None]]]:
        """Per mart of the audience, each subject's row count and the XOR of its rows' hashes, from the
        warehouse, subjects in DuckDB's order of their text (the order `stage` reads the rows in)."""
        column, _ = PER_SUBJECT[audience]
        groups = {}
        for mart in AUDIENCES[audience]:
            rows = self.con.execute(
                f'select cast("{column}" as varchar), count(*), bit_xor(hash(t)) from wh.{MART_SCHEMA}."{mart}" t '  # noqa: S608
                f'where "{column}" is not null group by 1 order by 1'
            ).fetchall()
            groups[mart] = {subject: (n, xor) for subject, n, xor in rows}
        return groups

    def subject_fingerprints(self, audience: str) -> dict[str, str]:
        """Per subject, the fingerprint `write` records for the subject's file, from the warehouse: equal
        fingerprints mean the file would be written with the same rows."""
        return _fingerprints(self._subject_groups(audience))

    def stage(self, audience: str) -> list[str]:
        """Before a whole publish writes the audience's files: each mart read once, ordered by subject, so each
        file inserts its subject's slice (a filter per file read the whole mart for every subject: subjects times
        rows, 4,000 developers at 10M lines), and every subject's fingerprint from the same per-mart query (reading
        each written file's rows back cost a query per mart and file). Returns the subjects, sorted."""
        column = PER_SUBJECT[audience][0]
        groups = self._subject_groups(audience)
        self.expected[audience] = _fingerprints(groups)
        self.staged = {}  # the previous audience's rows are not needed again
        for mart, found in groups.items():
            # Fixed names (the audience registry), as in every query here.
            source = f'from wh.{MART_SCHEMA}."{mart}" where "{column}" is not null'
            rows = self.con.sql(f'select * {source} order by cast("{column}" as varchar)').to_arrow_table()
            slices, start = {}, 0
            for name, (n, _) in found.items():
                slices[name], start = (start, n), start + n
            if start != rows.num_rows:
                raise RuntimeError(f"{mart}: {rows.num_rows} rows read, {start} counted per {column}")
            self.staged[mart] = (rows, slices)
        return sorted(self.expected[audience])

    def write(
        self, target: Path, audience: str, subject: str | None, template: Path | None = None, empty: bool = False
    ) -> dict[str, int]:
        """One file: the audience's marts (only the subject's rows when it has one; none when `empty`), as
        tables under their versioned names with an unversioned view each, the dbt descriptions and a
        publish_info table. With a `template` (an `empty` file of the audience), the file starts as a copy of
        it and only its rows are written: the tables, views and comments are already there."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if template is not None:
            shutil.copyfile(template, target)
        con = self.con
        options = f"storage_version '{STORAGE_VERSION}'"
        if audience in PER_SUBJECT:  # a template's copy is attached with the block size it was written with
            options += f", block_size {PER_SUBJECT_BLOCK_SIZE}"
        con.execute(f"attach ? as {self.alias} ({options})", [str(target)])
        counts: dict[str, int] = {}
        try:
            # One transaction per file: its tables and a few hundred comments commit once, not one by one.
            con.execute("begin transaction")
            for mart in AUDIENCES[audience]:
                rows, params = f'select * from wh.{MART_SCHEMA}."{mart}"', []  # noqa: S608
                if empty:
                    rows += " where false"
                elif subject is not None:
                    rows, params = f'{rows} where "{PER_SUBJECT[audience][0]}" = ?', [subject]
                if template is None:
                    con.execute(f'create table {self.alias}."{mart}" as {rows}', params)
                    base = mart.rsplit("_v", 1)[0]
                    # Unqualified: a view binds in its own file, whatever name a reader attaches it under.
                    con.execute(f'create view {self.alias}."{base}" as select * from "{mart}"')  # noqa: S608
                    self._comment(mart, base)
                elif subject is not None and mart in self.staged:
                    staged, slices = self.staged[mart]
                    # A name per writer: each thread's writer registers its own rows.
                    rows_view = f"subject_rows_{self.alias}"
                    con.register(rows_view, staged.slice(*slices.get(subject, (0, 0))))
                    inserted = con.execute(f'insert into {self.alias}."{mart}" select * from {rows_view}')  # noqa: S608
                    counts[mart] = inserted.fetchone()[0]
                    con.unregister(rows_view)
                else:
                    # The template's tables are empty: the rows inserted are the table's.
                    counts[mart] = con.execute(f'insert into {self.alias}."{mart}" {rows}', params).fetchone()[0]
                if mart == "publish_history_v1" and not empty:
                    self._log_this_publication(mart)
                if mart not in counts or mart == "publish_history_v1":
                    counts[mart] = con.execute(f'select count(*) from {self.alias}."{mart}"').fetchone()[0]  # noqa: S608
            if template is None:
                con.execute(
                    f"create table {self.alias}.publish_info (version varchar, published_at timestamptz, "
                    "git_commit varchar, "
                    "audience varchar, subject varchar, storage_version varchar)"
                )
                con.execute(
                    f"comment on table {self.alias}.publish_info is 'The published version that wrote this file.'"
                )
            if not empty:
                con.execute(
                    f"insert into {self.alias}.publish_info values (?, ?, ?, ?, ?, ?)",  # noqa: S608 (a fixed alias)
                    [self.version, self.published_at, self.commit, audience, subject, STORAGE_VERSION],
                )
            if subject is not None:
                self.fingerprints[target] = self._expected_fingerprint(audience, subject, counts) or ";".join(
                    self._fingerprint(mart) for mart in AUDIENCES[audience]
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        finally:
            con.execute(f"detach {self.alias}")
        target.chmod(0o444)
        return counts

    def _expected_fingerprint(self, audience: str, subject: str, counts: dict[str, int]) -> str | None:
        """The subject's fingerprint from `stage`, when there is one and the file holds the row counts it
        names; a file that does not is an error, not a fingerprint."""
        expected = self.expected.get(audience, {}).get(subject)
        if expected is None:
            return None
        for part, mart in zip(expected.split(";"), AUDIENCES[audience], strict=True):
            if part.split(":")[1] != str(counts[mart]):
                raise RuntimeError(f"{mart}: {counts[mart]} rows written for {subject}, the warehouse has {part}")
        return expected

    def _fingerprint(self, mart: str) -> str:
        """The written file's rows of one mart: their count and the XOR of their hashes."""
        n, xor = self.con.execute(f'select count(*), bit_xor(hash(t)) from {self.alias}."{mart}" t').fetchone()  # noqa: S608
        return _fingerprint_part(mart, n, xor)

    def _log_this_publication(self, mart: str) -> None:
        """The history a publish ships includes itself: the mart was built before this version existed."""
        for audience in AUDIENCES:
            self.con.execute(
                f'insert into {self.alias}."{mart}" (publish_version, audience, published_at, git_commit, '  # noqa: S608
                "validation_outcome, failed_checks, is_published) values (?, ?, ?, ?, 'passed', null, true)",
                [self.version, audience, self.published_at.replace(tzinfo=None), self.commit],
            )

    def _comment(self, mart: str, base: str) -> None:
        description, columns = self.comments.get(mart, ("", {}))
        statements = [
            f'comment on column {self.alias}."{mart}"."{column}" is {_literal(text)}'
            for column, text in columns.items()
            if text
        ]
        if description:
            statements += [
                f'comment on table {self.alias}."{mart}" is {_literal(description)}',
                f'comment on view {self.alias}."{base}" is {_literal(description)}',
            ]
        if statements:
            # One call for a mart's comments: a file has hundreds, and each call is a round trip.
            self.con.execute(";\n".join(statements))

    def close(self) -> None:
        self.con.close()


# Most of a small file's time is DuckDB's commit and checkpoint waiting on the disk, so more threads than cores
# help: on the 1M home, three publishes of each alternating, 2 threads 6.75-7.26 s, 4 threads 6.31-6.38 s,
# 8 threads 6.76-7.16 s; with a 10M bench writing to the same disk, 15.4-16.0 s against 10.9-11.7 s on 4.
PUBLISH_THREADS = 4


def _write_files(
    writer: _Writer, audience: str, targets: list[tuple[Path, str | None]], template: Path | None
) -> dict[Path, dict[str, int]]:
    """The audience's files, each subject's written by one of PUBLISH_THREADS threads on a cursor of its own:
    while DuckDB writes one file to disk another thread's Python runs (200 developer files: 4.30 s on one
    thread, 2.42 s on two). Returns each file's row counts per mart."""
    if len(targets) < 2 * PUBLISH_THREADS:
        return {target: writer.write(target, audience, subject, template) for target, subject in targets}
    written: dict[Path, dict[str, int]] = {}

    def write_share(number: int) -> None:
        twin = writer.for_thread(number)
        try:
            for target, subject in targets[number::PUBLISH_THREADS]:
                written[target] = twin.write(target, audience, subject, template)
        finally:
            twin.close()

    with ThreadPoolExecutor(PUBLISH_THREADS) as pool:
        for share in [pool.submit(write_share, number) for number in range(PUBLISH_THREADS)]:
            share.result()  # a failed file fails the publish
    return written


def _write_version(paths: Paths, folder: Path, version: str, commit: str) -> PublishResult:
    writer = _Writer(paths.warehouse, version, commit)
    files: dict[str, list[Path]] = {}
    counts: dict[str, int] = {}
    manifest: dict[str, object] = {"version": version, "git_commit": commit, "files": {}}
    try:
        for audience, marts in AUDIENCES.items():
            counts.update(dict.fromkeys(marts, 0))
            if audience in PER_SUBJECT:
                folder_name = PER_SUBJECT[audience][1]
                (folder / folder_name).mkdir(parents=True, exist_ok=True)  # present even when empty
                targets = [(folder / folder_name / f"{file_name(s)}.duckdb", s) for s in writer.stage(audience)]
            else:
                targets = [(folder / f"{audience}.duckdb", None)]
            files[audience] = []
            # Every subject's file starts as a copy of one holding the tables, views and comments.
            template = folder / f".{audience}-template.duckdb" if audience in PER_SUBJECT else None
            if template is not None:
                writer.write(template, audience, None, empty=True)
            shared = [target for target, n in Counter(target for target, _ in targets).items() if n > 1]
            if shared:
                raise ValueError(f"two {audience} subjects share the file name {shared[0].name}")
            all_written = _write_files(writer, audience, targets, template)
            for target, subject in targets:
                written = all_written[target]
                for mart, n in written.items():
                    counts[mart] += n
                files[audience].append(target)
                entry = {"audience": audience, "subject": subject, **written}
                if target in writer.fingerprints:
                    entry["fingerprint"] = writer.fingerprints[target]
                manifest["files"][str(target.relative_to(folder))] = entry
            if template is not None:
                template.unlink()
    finally:
        writer.close()
    for path in (p for paths_ in files.values() for p in paths_):
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    # The manifest is written last: a version folder without one was never finished.
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return PublishResult(version=version, git_commit=commit, folder=folder, files=files, row_counts=counts)


def _switch(published: Path, version: str) -> None:
    """Points `current` at the new version with one rename, then makes sure the stable paths exist."""
    link = published / f".current.{version}.tmp"
    link.unlink(missing_ok=True)
    link.symlink_to(Path("versions") / version)
    current = published / "current"
    if current.is_dir() and not current.is_symlink():  # a copy of a home that followed the links
        shutil.rmtree(current)
    link.replace(current)
    for name in ("developers", "teams", "org.duckdb", "platform.duckdb", "product.duckdb"):
        stable = published / name
        if stable.is_symlink():
            continue
        tmp = published / f".{name}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(Path("current") / name)
        if stable.is_dir():
            shutil.rmtree(stable)
        tmp.replace(stable)
    # Files of the layout before versions: one file held every developer, another every team.
    for old in ("developer.duckdb", "team.duckdb"):
        if (published / old).exists() and not (published / old).is_symlink():
            (published / old).unlink()


def current_version(published: Path) -> str | None:
    """The version readers see now (None before the first publish)."""
    current = published / "current"
    return current.readlink().name if current.is_symlink() else None


def reader_files(published: Path) -> dict[str, list[Path]]:
    """Every file a reader can open now, per audience, by its stable path (through `current`)."""
    files: dict[str, list[Path]] = {}
    for audience in AUDIENCES:
        if audience in PER_SUBJECT:
            folder = published / PER_SUBJECT[audience][1]
            files[audience] = sorted(folder.glob("*.duckdb")) if folder.exists() else []
        else:
            path = published / f"{audience}.duckdb"
            files[audience] = [path] if path.exists() else []
    return files


def clean_leftovers(published: Path) -> list[Path]:
    """Removes unfinished version folders, stray pointer links and versions beyond the newest few."""
    versions = published / "versions"
    removed: list[Path] = []
    live = current_version(published)
    for stray in list(published.glob(".*.tmp")) + (list(versions.glob(".*.tmp")) if versions.exists() else []):
        if stray.is_dir() and not stray.is_symlink():
            shutil.rmtree(stray, ignore_errors=True)
        else:
            stray.unlink(missing_ok=True)
        removed.append(stray)
    if versions.exists():
        finished = sorted(p for p in versions.iterdir() if p.is_dir() and (p / "manifest.json").exists())
        for folder in versions.iterdir():
            if folder.is_dir() and folder.name != live and not (folder / "manifest.json").exists():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        for folder in finished[:-KEEP_VERSIONS]:
            if folder.name != live:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def log_counts(folder: Path) -> dict[str, dict[str, int]]:
    """Rows per audience and mart of a finished version, from its manifest (as the publish log keeps them)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    counts: dict[str, dict[str, int]] = {}
    for entry in manifest["files"].values():
        audience = counts.setdefault(entry["audience"], {"files": 0})
        audience["files"] += 1
        for mart in AUDIENCES[entry["audience"]]:
            audience[mart] = audience.get(mart, 0) + entry[mart]
    return counts


def reconcile_log(paths: Paths) -> str | None:
    """Logs the current version if the run that switched to it died before logging it; returns it then."""
    version = current_version(paths.published)
    if version is None or not paths.warehouse.exists():
        return None
    con = duckdb.connect(str(paths.warehouse))
    try:
        run_script(con, "schema.sql")
        logged = con.execute(
            "select count(*) from raw.publish_log where version = ? and validation_outcome = 'passed'", [version]
        ).fetchone()[0]
    finally:
        con.close()
    if logged:
        return None
    folder = paths.published / "versions" / version
    commit = json.loads((folder / "manifest.json").read_text())["git_commit"]
    note = ["logged by a later run: the run that published this version stopped before logging it"]
    record_outcome(paths.warehouse, version, "passed", note, log_counts(folder), commit=commit)
    return version


def publish(paths: Paths, version: str | None = None) -> PublishResult:
    """Publishes every reader's file from the (already validated) warehouse marts, as one new version."""
    version = version or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    commit = git_commit()  # once per publish: every file and log row names the same commit
    published = paths.published
    (published / "versions").mkdir(parents=True, exist_ok=True)
    reconcile_log(paths)
    clean_leftovers(published)
    staging = published / "versions" / f".{version}.tmp"
    result = _write_version(paths, staging, version, commit)
    final = published / "versions" / version
    staging.rename(final)
    _switch(published, version)
    clean_leftovers(published)
    files = {a: [final / p.relative_to(staging) for p in ps] for a, ps in result.files.items()}
    return PublishResult(version=version, git_commit=commit, folder=final, files=files, row_counts=result.row_counts)


def publish_subjects(paths: Paths, audience: str = "developer", version: str | None = None) -> PublishResult | None:
    """A new version in which only the files of the audience's subjects whose rows changed are rewritten (a
    subject no longer in the marts loses its file); every other file is the current version's, hard-linked
    (published files are read-only, so two versions can share one). The fresh path's publish: a new line
    reaches its developer's file without rewriting anyone else's. None when nothing changed, or before the
    first full publish."""
    live = current_version(paths.published)
    if live is None:
        return None
    current = paths.published / "versions" / live
    base = json.loads((current / "manifest.json").read_text())
    version = version or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    commit = git_commit()
    folder_name = PER_SUBJECT[audience][1]
    writer = _Writer(paths.warehouse, version, commit)
    staging = paths.published / "versions" / f".{version}.tmp"
    try:
        wanted = writer.subject_fingerprints(audience)
        have = {e["subject"]: e for e in base["files"].values() if e["audience"] == audience}
        changed = sorted(s for s, fp in wanted.items() if have.get(s, {}).get("fingerprint") != fp)
        removed = sorted(set(have) - set(wanted))
        if not changed and not removed:
            return None
        clean_leftovers(paths.published)
        staging.mkdir(parents=True)
        (staging / folder_name).mkdir()
        manifest: dict[str, object] = {
            "version": version,
            "git_commit": commit,
            "files": {},
            "refreshed": {"audience": audience, "subjects": changed, "removed": removed, "base_version": live},
        }
        for relative, entry in base["files"].items():
            if entry["audience"] == audience and entry["subject"] in {*changed, *removed}:
                continue
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(current / relative, staging / relative)
            except OSError:  # a file system without hard links: a copy, read-only as well
                shutil.copy2(current / relative, staging / relative)
            manifest["files"][relative] = entry
        for subject in changed:
            target = staging / folder_name / f"{file_name(subject)}.duckdb"
            written = writer.write(target, audience, subject)
            with target.open("rb") as handle:
                os.fsync(handle.fileno())
            entry = {"audience": audience, "subject": subject, **written, "fingerprint": writer.fingerprints[target]}
            manifest["files"][str(target.relative_to(staging))] = entry
    finally:
        writer.close()
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    final = paths.published / "versions" / version
    staging.rename(final)
    _switch(paths.published, version)
    clean_leftovers(paths.published)
    files: dict[str, list[Path]] = {}
    counts: dict[str, int] = {}
    for relative, entry in manifest["files"].items():
        files.setdefault(entry["audience"], []).append(final / relative)
        for mart in AUDIENCES[entry["audience"]]:
            counts[mart] = counts.get(mart, 0) + entry.get(mart, 0)
    return PublishResult(version=version, git_commit=commit, folder=final, files=files, row_counts=counts)
