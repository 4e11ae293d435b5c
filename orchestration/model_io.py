"""What a dbt Python model reads, the same on both engines: dbt-duckdb hands it DuckDB relations, dbt-spark
Spark DataFrames."""

from __future__ import annotations

from typing import Any

import pandas as pd


def is_spark(relation: Any) -> bool:
    return type(relation).__module__.startswith("pyspark")


def to_pandas(relation: Any) -> pd.DataFrame:
    """A model's ref as a pandas DataFrame."""
    return relation.toPandas() if is_spark(relation) else relation.df()


def column_max(relation: Any, column: str) -> Any:
    """The largest value of one column, computed by the engine (the ref is not fetched)."""
    if is_spark(relation):
        return relation.agg({column: "max"}).collect()[0][0]
    return relation.aggregate(f'max("{column}")').fetchall()[0][0]


def to_engine(session: Any, frame: pd.DataFrame) -> Any:
    """What a model returns: the pandas frame on DuckDB; on Spark a DataFrame with a schema from the frame's
    dtypes (an empty frame has no rows to infer one from) and nulls where pandas has NaN or NA."""
    if not type(session).__module__.startswith("pyspark"):
        return frame
    import datetime as dt

    from pyspark.sql import types

    by_dtype = {"Int64": types.LongType(), "int64": types.LongType(), "float64": types.DoubleType(),
                "boolean": types.BooleanType(), "bool": types.BooleanType()}  # fmt: skip

    def spark_type(column: str) -> types.DataType:
        dtype = str(frame[column].dtype)
        if dtype.startswith("datetime64"):
            return types.TimestampType()
        if dtype in by_dtype:
            return by_dtype[dtype]
        first = frame[column].dropna().head(1).tolist()
        return types.DateType() if first and isinstance(first[0], dt.date) else types.StringType()

    schema = types.StructType([types.StructField(str(c), spark_type(c), nullable=True) for c in frame.columns])

    def plain(value: Any) -> Any:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
        return value.item() if hasattr(value, "item") else value  # numpy scalars to Python's

    rows = [[plain(v) for v in row] for row in frame.astype(object).itertuples(index=False, name=None)]
    return session.createDataFrame(rows, schema)
