"""A deterministic sample organisation: developers, teams, personas, tools and licence seats."""

from __future__ import annotations

import csv
import hashlib
import random
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Goran",
    "Hana",
    "Ivan",
    "Jun",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Silva",
    "Okafor",
    "Nakamura",
    "Novak",
    "Haddad",
    "Kowalski",
    "Mensah",
    "Larsen",
    "Duarte",
    "Iyer",
    "Moreau",
    "Petrov",
    "Alvarez",
    "Schmidt",
    "Tanaka",
    "Osei",
    "Brennan",
    "Castillo",
    "Lindqvist",
    "Rao",
]
# Product teams of deliberately different sizes; "leadership" is the team under 3 members.
TEAM_NAMES = ["payments", "mobile", "search", "data", "growth", "infra", "checkout", "identity"]
SEAT_COST_USD = {"claude_code": 100.0, "cursor": 40.0, "both": 140.0}


@dataclass(frozen=True)
class Developer:
    index: int
    developer_id: str
    name: str
    handle: str
    emails: tuple[str, ...]
    team: str
    persona: str
    manager_email: str
    opted_in: bool
    tools: str  # claude_code | cursor | both
    seat_monthly_cost_usd: float
    account_uuid: str
    anonymous_id: str
    adoption_day: int  # first day index on which this developer uses AI tools
    activity: float  # sessions-per-day multiplier
    error_rate: float  # share of tool calls that fail
    peak_hour: int  # UTC hour around which this developer works
    client_lag: int  # how many client releases behind the newest this developer runs
    exports_otel: bool
    logs_prompts: bool  # OTEL_LOG_USER_PROMPTS=1 on this machine: the loader must redact
    seat_unused: bool = False
    cursor_email: str = field(default="")

    @property
    def primary_email(self) -> str:
        return self.emails[0]

    @property
    def uses_claude_code(self) -> bool:
        return self.tools in ("claude_code", "both") and not self.seat_unused

    @property
    def uses_cursor(self) -> bool:
        return self.tools in ("cursor", "both") and not self.seat_unused


def stable_seed(*parts: object) -> int:
    """A seed that does not depend on PYTHONHASHSEED or process, so workers reproduce each other."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def rng_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _team_sizes(n_product: int, rng: random.Random) -> list[int]:
    """Split developers into teams of visibly different sizes (3 to 12)."""
    sizes: list[int] = []
    remaining = n_product
    while remaining > 0:
        size = min(remaining, rng.choice([3, 4, 5, 6, 8, 10, 12]))
        if 0 < remaining - size < 3:
            size = remaining
        sizes.append(size)
        remaining -= size
    return sizes


def build_org(n_developers: int, days: int, seed: int) -> list[Developer]:
    """Developers with teams, personas and tools; deterministic for (n_developers, days, seed)."""
    if n_developers < 6:
        raise ValueError("a sample organisation needs at least 6 developers (two teams and leadership)")
    rng = random.Random(stable_seed(seed, "org"))
    # Leadership (2 people: too small for team aggregates), a platform team, an AI-tools R&D pair
    # folded into the platform team, then product teams.
    roster: list[tuple[str, str]] = [("leadership", "engineering_manager"), ("leadership", "engineering_manager")]
    n_platform = max(3, n_developers // 8)
    roster += [("platform", "devops_platform")] * (n_platform - 1) + [("platform", "product_manager")]
    n_product = n_developers - len(roster)
    for team, size in zip(TEAM_NAMES * 100, _team_sizes(n_product, rng), strict=False):
        roster += [(team, "team_lead")] + [(team, "individual_developer")] * (size - 1)

    handles_seen: set[str] = set()
    developers: list[Developer] = []
    lead_email: dict[str, str] = {}
    never_used_index = len(roster) - 1  # one paid seat that is never used
    for index, (team, persona) in enumerate(roster):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
        handle = f"{first}.{last}".lower()
        while handle in handles_seen:
            handle = f"{handle}{index}"
        handles_seen.add(handle)
        emails = [f"{handle}@example.com"]
        if rng.random() < 0.25:
            emails.append(f"{first[0].lower()}{last.lower()}{index}@corp.example.org")
        tools = rng.choices(["claude_code", "cursor", "both"], weights=[5, 2, 3])[0]
        if index == never_used_index:
            tools = "both"
        email = emails[0]
        if persona in ("team_lead", "engineering_manager") and team not in lead_email:
            lead_email[team] = email
        adoption_day = int(rng.betavariate(1.2, 2.5) * days * 0.7)
        developers.append(
            Developer(
                index=index,
                developer_id=f"dev_{index + 1:04d}",
                name=f"{first} {last}",
                handle=handle,
                emails=tuple(emails),
                team=team,
                persona=persona,
                manager_email="",
                opted_in=rng.random() < 0.6,
                tools=tools,
                seat_monthly_cost_usd=SEAT_COST_USD[tools],
                account_uuid=rng_uuid(rng),
                anonymous_id=hashlib.sha256(f"anon:{seed}:{index}".encode()).hexdigest(),
                adoption_day=adoption_day,
                activity=rng.uniform(0.5, 1.6) * (0.5 if persona == "engineering_manager" else 1.0),
                error_rate=rng.uniform(0.03, 0.12) * (1.8 if team == "mobile" else 1.0),
                peak_hour=rng.choice([8, 9, 10, 13, 14, 15, 16, 20]),
                client_lag=rng.choices([0, 1, 2, 5], weights=[6, 3, 2, 1])[0],
                exports_otel=rng.random() < 0.8,
                logs_prompts=rng.random() < 0.2,
                seat_unused=index == never_used_index,
                cursor_email=emails[-1],
            )
        )
    # A team's members report to its lead; leads and leadership report to the first director.
    director = developers[0].primary_email
    return [
        replace(d, manager_email=director if lead_email.get(d.team) in (None, d.primary_email) else lead_email[d.team])
        for d in developers
    ]


DIRECTORY_COLUMNS = [
    "developer_id",
    "name",
    "handle",
    "emails",
    "team",
    "persona",
    "manager_email",
    "individual_sharing_opt_in",
    "licence_seat",
    "seat_monthly_cost_usd",
    "claude_account_uuid",
]


def write_directory(developers: list[Developer], path: Path) -> None:
    """The HR / IT export: one row per developer, emails separated by ';'."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DIRECTORY_COLUMNS)
        for d in developers:
            writer.writerow(
                [
                    d.developer_id,
                    d.name,
                    d.handle,
                    ";".join(d.emails),
                    d.team,
                    d.persona,
                    d.manager_email,
                    "true" if d.opted_in else "false",
                    d.tools,
                    f"{d.seat_monthly_cost_usd:.2f}",
                    d.account_uuid,
                ]
            )
