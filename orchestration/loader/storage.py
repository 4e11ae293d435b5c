"""Bytes on disk per warehouse table, measured by the loader right after its checkpoint.

DuckDB's catalog gives rows, not sizes; `pragma_storage_info` gives each column segment's block. A table's
bytes are the blocks its segments occupy, a block shared by several tables split evenly between them, so
the tables add up to the file's used blocks. Measured at load time because only checkpointed segments have
blocks: the tables a dbt build then replaces are measured as they were before it, by the next load.
"""

from datetime import datetime

import duckdb

_TABLES = """
    select schema_name, table_name
    from duckdb_tables()
    where database_name = current_database() and not temporary
"""

_BLOCKS = """
    select distinct unnest(list_prepend(block_id, additional_block_ids)) as block_id
    from pragma_storage_info(?)
    where persistent and block_id >= 0
"""


def record_table_storage(con: duckdb.DuckDBPyConnection, batch_id: str, measured_at: datetime) -> int:
    """Checkpoints, then replaces raw.table_storage with every table's share of the file's blocks."""
    con.execute("checkpoint")
    block_size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
    users: dict[int, list[tuple[str, str]]] = {}
    tables = con.execute(_TABLES).fetchall()
    for schema, table in tables:
        # The name is the catalog's own, passed as a parameter, and quoted for the table function's parser.
        qualified = f'"{schema}"."{table}"'
        for (block_id,) in con.execute(_BLOCKS, [qualified]).fetchall():
            users.setdefault(block_id, []).append((schema, table))
    share: dict[tuple[str, str], float] = dict.fromkeys(tables, 0.0)
    for owners in users.values():
        for owner in owners:
            share[owner] += 1 / len(owners)
    rows = [(s, t, round(n * block_size), batch_id, measured_at) for (s, t), n in share.items()]
    con.execute("begin")
    con.execute("delete from raw.table_storage")
    con.executemany("insert into raw.table_storage values (?, ?, ?, ?, ?)", rows)
    con.execute("commit")
    return len(rows)
