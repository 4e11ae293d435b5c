"""The same dbt project on Spark: the warehouse's raw tables exported to Parquet, registered in a local Spark
session's metastore, the whole project built there with dbt-spark (`--target spark`), and every mart compared
with the DuckDB build of the same raw rows.

Spark is the path beyond one machine: the models are the same files, and where the engines differ the SQL is
behind a dispatched macro (`macros/cross_db.sql`). The local session keeps its metastore and tables under
`$AI_TELEMETRY_HOME/spark/`.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import duckdb

from orchestration.dbt import run_dbt, target_path
from orchestration.paths import Paths

# Relative tolerance for numbers: Spark and DuckDB add doubles in different orders, and a few functions (ln,
# sqrt, percentile interpolation) may differ in the last bits.
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
T = TypeVar("T")


def spark_home(paths: Paths) -> Path:
    return paths.home / "spark"


def export_raw(paths: Paths) -> dict[str, int]:
    """Each table of the warehouse's `raw` schema as a Parquet folder under spark/raw/; returns rows per table.
    JSON columns become strings (Spark has no JSON type; the models read them with get_json_object)."""
    folder = spark_home(paths) / "raw"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counts: dict[str, int] = {}
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name"
            ).fetchall()
        ]
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = 'raw' and table_name = ?"
                " order by column_index",
                [table],
            ).fetchall()
            select_list = ", ".join(
                f'cast("{name}" as varchar) as "{name}"' if kind == "JSON" else f'"{name}"' for name, kind in columns
            )
            (folder / table).mkdir()
            target = str(folder / table / "part-0.parquet").replace("'", "''")
            # Names come from DuckDB's own catalog, the path from this home: nothing here is user input.
            con.execute(f"copy (select {select_list} from raw.\"{table}\") to '{target}' (format parquet)")  # noqa: S608
            counts[table] = con.execute(f'select count(*) from raw."{table}"').fetchall()[0][0]  # noqa: S608
    return counts


@dataclass
class MartComparison:
    mart: str
    duckdb_rows: int
    spark_rows: int
    differences: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences


def built_marts(paths: Paths) -> list[str]:
    """The persona marts of the last DuckDB build (their relation names), from its manifest."""
    manifest = json.loads((target_path(paths.home) / "manifest.json").read_text())
    return sorted(
        node["alias"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
        and node["config"]["materialized"] == "table"
    )  # fmt: skip


def _is_number(kind: str) -> bool:
    return kind in {"DOUBLE", "FLOAT", "REAL"} or kind.startswith("DECIMAL")


def _close(left: object, right: object) -> bool:
    if left is None or right is None:
        return left is None and right is None
    a, b = float(left), float(right)  # type: ignore[arg-type]
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)


def _sort_key(row: tuple) -> tuple:
    return tuple((value is None, float(value) if isinstance(value, Decimal) else value or 0) for value in row)


def compare_mart(con: duckdb.DuckDBPyConnection, mart: str, spark_folder: Path) -> MartComparison:
    """One mart of both builds as multisets of rows: the same columns, the same rows for every combination of
    the non-fractional columns (text, integers, dates, flags), and within it fractional numbers equal to
    RELATIVE_TOLERANCE."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'duck' and schema_name = 'marts'"
        " and table_name = ? order by column_index",
        [mart],
    ).fetchall()
    files = str(spark_folder / "**" / "*.parquet")
    spark_columns = {row[0] for row in con.execute("select name from parquet_schema(?)", [files]).fetchall()}
    result = MartComparison(mart, 0, 0)
    missing = [name for name, _ in columns if name not in spark_columns]
    if missing:
        result.differences.append(f"columns missing on Spark: {', '.join(missing)}")
        return result
    names = [name for name, _ in columns]
    numbers = [i for i, (_, kind) in enumerate(columns) if _is_number(kind)]
    select_list = ", ".join(f'"{name}"' for name in names)
    # Names from the warehouse's catalog; the Spark folder from this home.
    duck_rows = con.execute(f'select {select_list} from duck.marts."{mart}"').fetchall()  # noqa: S608
    spark_rows = con.execute(
        f"select {select_list} from read_parquet(?, hive_partitioning = true)",  # noqa: S608
        [files],
    ).fetchall()
    result.duckdb_rows, result.spark_rows = len(duck_rows), len(spark_rows)

    def grouped(rows: list[tuple]) -> dict[tuple, list[tuple]]:
        groups: dict[tuple, list[tuple]] = {}
        for row in rows:
            key = tuple(v for i, v in enumerate(row) if i not in numbers)
            groups.setdefault(key, []).append(tuple(row[i] for i in numbers))
        return groups

    duck_groups, spark_groups = grouped(duck_rows), grouped(spark_rows)
    keys = [names[i] for i in range(len(names)) if i not in numbers]
    for key in sorted(set(duck_groups) | set(spark_groups), key=repr):
        left, right = sorted(duck_groups.get(key, []), key=_sort_key), sorted(spark_groups.get(key, []), key=_sort_key)
        if len(left) != len(right):
            result.differences.append(
                f"{dict(zip(keys, key, strict=True))}: {len(left)} rows on DuckDB, {len(right)} on Spark"
            )
            continue
        for duck_values, spark_values in zip(left, right, strict=True):
            for position, (a, b) in enumerate(zip(duck_values, spark_values, strict=True)):
                if not _close(a, b):
                    column = names[numbers[position]]
                    result.differences.append(
                        f"{dict(zip(keys, key, strict=True))}: {column} {a} on DuckDB, {b} on Spark"
                    )
    return result


def compare_marts(paths: Paths, skip: dict[str, str]) -> list[MartComparison]:
    """Every built mart of the DuckDB warehouse against the Spark build's table of the same name, but those in
    `skip` (mart: why)."""
    warehouse_dir = spark_home(paths) / "warehouse" / "marts.db"
    results = []
    with duckdb.connect() as con:
        con.execute("attach ? as duck (read_only)", [str(paths.warehouse)])
        for mart in built_marts(paths):
            if mart in skip:
                continue
            folder = warehouse_dir / mart
            if not any(folder.rglob("*.parquet")):
                results.append(MartComparison(mart, 0, 0, ["not built on Spark"]))
                continue
            results.append(compare_mart(con, mart, folder))
    return results


# Marts that describe the engine rather than the data: not expected to agree.
NOT_COMPARED = {"storage_by_table_v1": "lists each engine's own catalog of tables"}


def _step(label: str, action: Callable[[], T]) -> T:
    """The action's result, after a line with its time (a falsy result is a failure)."""
    started = time.perf_counter()
    result = action()
    print(f"spark: {label:<44} {'ok' if result else 'FAILED'} in {time.perf_counter() - started:6.1f} s", flush=True)
    return result


def run_spark(paths: Paths, developers: int, days: int, seed: int, tests: bool) -> int:
    """Load (a generated sample when the landing folder is empty), build on DuckDB, build the same project on
    Spark from the same raw rows, and compare every mart. 0 when every mart agrees."""
    from orchestration.cli import sample_start
    from orchestration.generator import GenerateConfig, generate
    from orchestration.loader import load
    from orchestration.pipeline import landing_is_empty

    home = spark_home(paths)
    home.mkdir(parents=True, exist_ok=True)
    log = home / "dbt.log"
    log.write_text("")
    spark_target = home / "dbt_target"

    def dbt(*args: str, spark: bool) -> bool:
        done = run_dbt(*args, home=paths.home, target=spark_target if spark else None, capture=True, spark=spark)
        with log.open("a") as out:
            out.write(f"$ dbt {' '.join(args)}{' --target spark' if spark else ''}\n{done.stdout}{done.stderr}\n")
        return done.returncode == 0

    if landing_is_empty(paths):
        config = GenerateConfig(out=paths.landing, developers=developers, days=days, seed=seed,
                                start=sample_start(None, days), plant_experiments=True)  # fmt: skip
        _step("generate a sample organisation", lambda: generate(config))
    _step("load the landing folder", lambda: load(paths.landing, paths.warehouse))
    # `build` seeds, runs and tests; without tests, seeds first, then the models.
    commands = [("build",)] if tests else [("seed",), ("run",)]
    if not _step(
        f"dbt {' + '.join(c[0] for c in commands)} on DuckDB", lambda: all(dbt(*c, spark=False) for c in commands)
    ):
        print(f"spark: see {log}", file=sys.stderr)
        return 1
    tables = _step("export the raw tables to Parquet", lambda: export_raw(paths))
    arguments = json.dumps({"folder": str(home / "raw"), "tables": sorted(tables)})
    steps = [
        ("register them in the Spark metastore", ("run-operation", "register_raw_tables", "--args", arguments)),
        *((f"dbt {c[0]} on Spark", c) for c in commands),
    ]
    for label, args in steps:
        if not _step(label, lambda args=args: dbt(*args, spark=True)):
            print(f"spark: see {log}", file=sys.stderr)
            return 1
    results = compare_marts(paths, NOT_COMPARED)
    report = {
        "tolerance": {"relative": RELATIVE_TOLERANCE, "absolute": ABSOLUTE_TOLERANCE},
        "not_compared": NOT_COMPARED,
        "marts": [asdict(r) | {"equal": r.equal} for r in results],
    }
    (home / "comparison.json").write_text(json.dumps(report, indent=2, default=str))
    for result in results:
        status = "equal" if result.equal else f"{len(result.differences)} differences"
        print(f"spark:   {result.mart:<32} {result.duckdb_rows:>7,} rows on DuckDB, {result.spark_rows:>7,} on Spark: "
              f"{status}")  # fmt: skip
        for difference in result.differences[:5]:
            print(f"spark:     {difference}")
    equal = sum(r.equal for r in results)
    skipped = ", ".join(f"{mart} ({why})" for mart, why in NOT_COMPARED.items())
    print(f"spark: {equal} of {len(results)} marts equal (numbers to {RELATIVE_TOLERANCE:g} relative); "
          f"not compared: {skipped}; report {home / 'comparison.json'}")  # fmt: skip
    return 0 if equal == len(results) else 1
