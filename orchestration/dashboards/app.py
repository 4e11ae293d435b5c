"""The Streamlit app of one persona's dashboards, over that persona's one published file.

Started by `ai-telemetry dashboards serve`, which passes the persona and the file in the environment: the
app has no way to open any other file. It reopens the file on every page view, so a new publish shows at
the next click.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import altair as alt
import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from orchestration.dashboards.pages import PERSONAS, Chart, Metrics, Page, Table, formatted, sql

PERSONA = PERSONAS[os.environ["AI_TELEMETRY_DASHBOARD_PERSONA"]]
FILE = os.environ["AI_TELEMETRY_DASHBOARD_FILE"]


def frame(query: str) -> pd.DataFrame:
    con = duckdb.connect(FILE, read_only=True)
    try:
        return con.execute(sql(PERSONA.name, query)).df()
    finally:
        con.close()


def publish_info() -> dict:
    con = duckdb.connect(FILE, read_only=True)
    try:
        names = [d[0] for d in con.execute("select * from publish_info").description]
        return dict(zip(names, con.execute("select * from publish_info").fetchone(), strict=True))
    finally:
        con.close()


def _words(column: str) -> str:
    return column.replace("_usd", " (USD)").replace("_", " ")


def chart(block: Chart, data: pd.DataFrame) -> None:
    if block.kind == "sankey":
        labels = sorted(set(data[block.x]) | set(data[block.y]))
        index = {label: i for i, label in enumerate(labels)}
        figure = go.Figure(
            go.Sankey(
                node={"label": labels, "pad": 20},
                link={
                    "source": [index[v] for v in data[block.x]],
                    "target": [index[v] for v in data[block.y]],
                    "value": list(data[block.value]),
                },
            )
        )
        figure.update_layout(title=block.title)
        st.plotly_chart(figure, key=f"{block.query}-{block.kind}-{block.title}")
        return
    base = alt.Chart(data, title=block.title)
    x, y = (alt.X(block.x, title=_words(block.x)), alt.Y(block.y, title=_words(block.y)))
    color = {"color": alt.Color(block.color)} if block.color and block.kind != "heat" else {}
    tooltip = list(data.columns)
    if block.kind == "line":
        marked = base.mark_line(point=True).encode(x=x, y=y, tooltip=tooltip, **color)
    elif block.kind == "bar":
        ordered = x.sort(field=block.order) if block.order else x.sort("-y")
        marked = base.mark_bar().encode(x=ordered, y=y, tooltip=tooltip, **color)
    else:
        marked = base.mark_rect().encode(
            x=alt.X(
                block.x,
                type="ordinal",
                title=_words(block.x),
                sort=alt.EncodingSortField(field=block.order) if block.order else "ascending",
            ),
            y=y,
            color=block.color,
            tooltip=tooltip,
        )
    st.altair_chart(marked, width="stretch")


def render(page: Page) -> None:
    st.title(page.title)
    info = publish_info()
    subject = f" · {info['subject']}" if info.get("subject") else ""
    st.caption(f"{PERSONA.title}{subject} · published {info['published_at']:%Y-%m-%d %H:%M} UTC · {info['version']}")
    if page.note:
        st.info(page.note)
    frames = {block.query: frame(block.query) for block in page.blocks}
    if page.pick:
        options = sorted({v for f in frames.values() if page.pick in f for v in f[page.pick]})
        if not options:
            st.warning(f"No {page.pick} to show in this file.")
            return
        chosen = st.selectbox(page.pick.replace("_", " "), options)
        frames = {q: f[f[page.pick] == chosen] if page.pick in f else f for q, f in frames.items()}
    for block in page.blocks:
        data = frames[block.query]
        if isinstance(block, Metrics):
            row = data.iloc[0] if len(data) else {}
            for column, (name, label, fmt) in zip(st.columns(len(block.figures)), block.figures, strict=True):
                column.metric(label, formatted(row.get(name) if len(data) else None, fmt))
        elif data.empty:
            st.info(f"{getattr(block, 'title', block.query)}: no rows in the published file yet.")
        elif isinstance(block, Chart):
            chart(block, data)
        elif isinstance(block, Table):
            st.subheader(block.title)
            st.dataframe(data, hide_index=True)


def page_function(page: Page) -> Callable[[], None]:
    def show() -> None:
        render(page)

    # Streamlit tells callable pages apart by name.
    show.__name__ = f"page_{page.slug.replace('-', '_')}"
    return show


st.set_page_config(page_title=PERSONA.title, layout="wide")
navigation = st.navigation(
    [st.Page(page_function(p), title=p.title, url_path=p.slug, default=i == 0) for i, p in enumerate(PERSONA.pages)]
)
navigation.run()
