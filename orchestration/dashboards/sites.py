"""Which published file a persona's dashboards read, checking every page's queries, and serving them.

One site per reader, each over exactly one file: a developer's site over their own file, a team's over
its team file, and one each over the org, platform and product files. The privacy of the published files
carries over: a site has nothing else to show.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.dashboards.pages import PERSONAS, queries, sql
from orchestration.paths import Paths
from orchestration.stats import developer_file

SHARED_FILES = {"org": "org.duckdb", "platform": "platform.duckdb", "product": "product.duckdb"}
APP = Path(__file__).with_name("app.py")


class DashboardError(Exception):
    """A site that cannot be shown: no file yet, an unknown subject, or a query the file cannot answer."""


@dataclass(frozen=True)
class Site:
    persona: str
    subject: str | None
    file: Path

    @property
    def label(self) -> str:
        return f"{self.persona}:{self.subject}" if self.subject else self.persona


def site(paths: Paths, persona: str, developer: str | None = None, team: str | None = None) -> Site:
    if persona == "developer":
        subject, path = developer_file(paths, developer)
        return Site(persona, subject, path)
    if persona == "team":
        teams = sorted((paths.published / "teams").glob("*.duckdb"))
        if team is None and len(teams) == 1:
            team = teams[0].stem
        if team is None:
            names = ", ".join(t.stem for t in teams) or "none published"
            raise DashboardError(f"which team? pass --team (published: {names})")
        path = paths.published / "teams" / f"{team}.duckdb"
        if not path.exists():
            raise DashboardError(f"no published file for team {team!r} under {path.parent}")
        return Site(persona, team, path)
    path = paths.published / SHARED_FILES[persona]
    if not path.exists():
        raise DashboardError(f"{path} is not published yet: run `ai-telemetry run` first")
    return Site(persona, None, path)


def every_site(paths: Paths) -> list[Site]:
    sites = [Site("developer", p.stem, p) for p in sorted((paths.published / "developers").glob("*.duckdb"))]
    sites += [Site("team", p.stem, p) for p in sorted((paths.published / "teams").glob("*.duckdb"))]
    sites += [Site(persona, None, paths.published / name) for persona, name in SHARED_FILES.items()]
    return [s for s in sites if s.file.exists()]


def check(sites: list[Site]) -> dict[str, dict[str, int]]:
    """Runs every page query of every site against its file: rows per query, or a DashboardError naming each
    query the file cannot answer (a mart renamed or a column dropped shows here, not in a reader's browser)."""
    rows: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    for s in sites:
        con = duckdb.connect(str(s.file), read_only=True)
        try:
            for query in sorted(queries(s.persona)):
                try:
                    count = con.execute(f"select count(*) from ({sql(s.persona, query)})").fetchone()[0]  # noqa: S608
                except duckdb.Error as error:
                    failures.append(f"{s.label} {query}.sql: {str(error).splitlines()[0]}")
                    continue
                rows.setdefault(s.label, {})[query] = count
        finally:
            con.close()
    if failures:
        raise DashboardError("dashboard queries the published files cannot answer:\n  " + "\n  ".join(failures))
    return rows


def serve_command(s: Site, port: int) -> tuple[list[str], dict[str, str]]:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]
    env = {
        **os.environ,
        "AI_TELEMETRY_DASHBOARD_PERSONA": s.persona,
        "AI_TELEMETRY_DASHBOARD_FILE": str(s.file),
        # Streamlit reads no config or credentials from the user's ~/.streamlit for this app.
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    return command, env


def serve(s: Site, port: int) -> None:
    """Becomes the Streamlit server (exec): stopping this process stops the server, nothing is left behind."""
    command, env = serve_command(s, port)
    print(f"{PERSONAS[s.persona].title} dashboards over {s.file}: http://127.0.0.1:{port}", flush=True)
    os.execve(command[0], command, env)
