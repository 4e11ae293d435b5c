"""Writes seeds/model_price_catalog.csv from genai-prices, the maintained price table on PyPI.

    python scripts/model_prices.py           # regenerate
    python scripts/model_prices.py --check   # fail when the seed differs from the installed genai-prices

Each Anthropic model of genai-prices becomes one row per price period, with its name-matching rules as one
regular expression (so dbt matches `claude-opus-4-6-20260301` as genai-prices would) and its family and
rank within the family (newest first), which price a model no table knows yet. The seed is generated, not
edited: hand-made prices and effective dates belong in seeds/model_prices.csv, which takes precedence.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from genai_prices import data

SEED = Path(__file__).resolve().parents[1] / "seeds" / "model_price_catalog.csv"
COLUMNS = [
    "price_model_id",
    "family",
    "family_rank",
    "match_regex",
    "effective_from",
    "effective_to",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_write_usd_per_mtok",
    "cache_read_usd_per_mtok",
]
FAMILY = re.compile(r"^claude-(?:[0-9.]+-)*([a-z]+)(?:-|$)")


def clause_regex(clause: object) -> str:
    """One genai-prices match clause (equals, starts_with, ends_with, contains, regex, or of them) as an RE2
    regular expression, which DuckDB and Spark both evaluate."""
    kind = type(clause).__name__
    if kind == "ClauseOr":
        return "|".join(f"(?:{clause_regex(c)})" for c in clause.or_)
    if kind == "ClauseEquals":
        return f"^{re.escape(clause.equals)}$"
    if kind == "ClauseStartsWith":
        return f"^{re.escape(clause.starts_with)}"
    if kind == "ClauseContains":
        return re.escape(clause.contains)
    if kind == "ClauseRegex":
        return clause.regex
    if kind == "ClauseEndsWith":
        return f"{re.escape(clause.ends_with)}$"
    raise ValueError(f"unknown genai-prices match clause {kind}")


def base(price: object) -> Decimal | None:
    """A flat price, or the first tier's of a tiered one (the tiers start above 200k tokens of context)."""
    if price is None:
        return None
    return Decimal(str(getattr(price, "base", price)))


def version_of(model_id: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"(?<![0-9])([0-9]{1,2})(?![0-9])", model_id))


def periods(model: object) -> list[tuple[date | None, date | None, object]]:
    """(effective_from, effective_to, prices): one flat price, or start-date conditioned ones in order."""
    if not isinstance(model.prices, list):
        return [(None, None, model.prices)]
    dated = []
    for conditional in model.prices:
        constraint = conditional.constraint
        if constraint is None or type(constraint).__name__ == "StartDateConstraint":
            dated.append((getattr(constraint, "start_date", None), conditional.prices))
    dated.sort(key=lambda p: p[0] or date.min)
    return [(start, dated[i + 1][0] if i + 1 < len(dated) else None, prices) for i, (start, prices) in enumerate(dated)]


def rows() -> list[dict[str, object]]:
    provider = next(p for p in data.providers if p.id == "anthropic")
    models = [m for m in provider.models if FAMILY.match(m.id)]
    ranked: dict[str, list[str]] = {}
    for model in models:
        ranked.setdefault(FAMILY.match(model.id).group(1), []).append(model.id)
    for family, ids in ranked.items():
        ids.sort(key=version_of, reverse=True)
        ranked[family] = ids
    out = []
    for model in sorted(models, key=lambda m: m.id):
        family = FAMILY.match(model.id).group(1)
        for start, end, prices in periods(model):
            out.append(
                {
                    "price_model_id": model.id,
                    "family": family,
                    "family_rank": ranked[family].index(model.id) + 1,
                    "match_regex": clause_regex(model.match),
                    "effective_from": start or "",
                    "effective_to": end or "",
                    "input_usd_per_mtok": base(prices.input_mtok),
                    "output_usd_per_mtok": base(prices.output_mtok),
                    "cache_write_usd_per_mtok": base(prices.cache_write_mtok) or "",
                    "cache_read_usd_per_mtok": base(prices.cache_read_mtok) or "",
                }
            )
    return out


def render() -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the seed is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not SEED.exists() or SEED.read_text() != text:
            print(f"{SEED} is stale: run python scripts/model_prices.py", file=sys.stderr)
            return 1
        return 0
    SEED.write_text(text)
    print(f"wrote {SEED} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
