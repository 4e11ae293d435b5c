"""Writes one Great Expectations suite per published mart into expectations/, from the mart specs.

    python scripts/gx_suites.py

The suites are Great Expectations' own JSON (reviewed like code); orchestration/quality runs them on the
candidate marts before anything is published. Row-count bounds, key uniqueness and completeness, value
ranges and accepted sets come from the mart specs in scripts/mart_yaml.py; reconciliation and distribution
checks are computed frames validated by their own suites (see orchestration/quality/checks.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from mart_yaml import MARTS, RATES, SIGNED

EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"
# Any data at all gives these rows; the others may legitimately be empty (a source absent, such as the
# org directory when one developer's transcripts are loaded alone, or groups below the k-anonymity floor).
NEVER_EMPTY = {"developer_daily", "developer_weekly", "pipeline_health", "source_freshness", "storage_by_table"}
ACCEPTED = {
    "tool": ["claude_code", "cursor"],
    "task_type": ["shipping", "code_change", "testing", "investigation", "assisted_coding", "conversation"],
    "outcome": ["succeeded", "errored", "abandoned", "completed"],
    "licence_seat": ["claude_code", "cursor", "both"],
}


def expectation(kind: str, **kwargs: object) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def suite_for(name: str, spec: dict) -> dict:
    grain = spec["grain"]
    expectations = [
        expectation(
            "expect_table_row_count_to_be_between", min_value=1 if name in NEVER_EMPTY else 0, max_value=50_000_000
        ),
        expectation("expect_table_columns_to_match_set", column_set=list(spec["columns"]), exact_match=True),
    ]
    if len(grain) == 1:
        expectations.append(expectation("expect_column_values_to_be_unique", column=grain[0]))
    else:
        expectations.append(expectation("expect_compound_columns_to_be_unique", column_list=grain))
    for column in grain:
        expectations.append(expectation("expect_column_values_to_not_be_null", column=column))
    for column, data_type in spec["columns"].items():
        if column in RATES:
            expectations.append(
                expectation("expect_column_values_to_be_between", column=column, min_value=0, max_value=1)
            )
        elif data_type in ("bigint", "double", "integer") and column not in SIGNED:
            expectations.append(expectation("expect_column_values_to_be_between", column=column, min_value=0))
        if column in ACCEPTED:
            expectations.append(
                expectation("expect_column_values_to_be_in_set", column=column, value_set=ACCEPTED[column])
            )
        if column == "developers":
            expectations.append(expectation("expect_column_values_to_be_between", column=column, min_value=3))
    relation = f"{name}_v{spec.get('version', 1)}"
    return {"name": relation, "expectations": expectations, "meta": {"generated_by": "scripts/gx_suites.py"}}


def main() -> None:
    EXPECTATIONS.mkdir(exist_ok=True)
    for marts in MARTS.values():
        for name, spec in marts.items():
            path = EXPECTATIONS / f"{name}_v{spec.get('version', 1)}.json"
            path.write_text(json.dumps(suite_for(name, spec), indent=2) + "\n")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
