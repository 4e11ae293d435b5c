"""The analytics API's HTTP side (FastAPI): authentication per audience, the OpenAPI page, and the two
read-only routes over `orchestration.api`. No `from __future__ import annotations` here: FastAPI reads the
route functions' annotations at run time."""

from datetime import date
from typing import Annotated

import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from orchestration.api import AUDIENCE, ApiError, Question, answer, audience_of, product_metrics
from orchestration.paths import Paths


def create_app(paths: Paths, min_people: int) -> FastAPI:
    """The FastAPI application: OpenAPI at /openapi.json, its page at /docs (Swagger UI served from the
    swagger-ui-bundle package: nothing is fetched from a CDN)."""
    app = FastAPI(
        title="AI-assisted development analytics API",
        description=(
            "Read-only metrics for R&D and product, from the product audience's published file: anonymised "
            f"aggregates, every row describing at least {min_people} people. Authenticate with "
            "`Authorization: Bearer <token>` (`ai-telemetry api token --audience product`)."
        ),
        version="1",
        docs_url=None,
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=swagger_ui_path), name="static")
    product_file = paths.published / f"{AUDIENCE}.duckdb"

    def product_reader(authorization: Annotated[str | None, Header()] = None) -> str:
        token = authorization.removeprefix("Bearer ").strip() if authorization else None
        audience = audience_of(paths, token)
        if audience is None:
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        if audience != AUDIENCE:
            raise HTTPException(403, f"this token is for the {audience} audience; the API serves {AUDIENCE}")
        if not product_file.exists():
            raise HTTPException(503, "nothing is published yet: run `ai-telemetry run`")
        return audience

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=app.title,
            swagger_js_url="/static/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui.css",
            swagger_favicon_url="/static/favicon-32x32.png",
        )

    @app.get("/metrics", summary="The product audience's metrics with their catalog meta and published cuts")
    def list_metrics(_: Annotated[str, Depends(product_reader)]) -> dict:
        return {"metrics": [m.describe() for m in product_metrics(product_file).values()]}

    @app.get("/metrics/{name}", summary="A metric's published values at a grain, by dimensions, filtered")
    def query_metric(
        name: str,
        _: Annotated[str, Depends(product_reader)],
        grain: Annotated[str | None, Query(description="week or all; default the metric's first cut")] = None,
        group_by: Annotated[str | None, Query(description="comma-separated dimensions of a published cut")] = None,
        where: Annotated[list[str] | None, Query(description="dimension:value, repeatable")] = None,
        start: Annotated[date | None, Query(description="first period (time dimension), inclusive")] = None,
        end: Annotated[date | None, Query(description="last period, inclusive")] = None,
        source: Annotated[str | None, Query(description="the mart, when several publish the metric")] = None,
    ) -> dict:
        pairs = []
        for item in where or []:
            dimension, sep, value = item.partition(":")
            if not sep:
                raise HTTPException(400, f"a filter is dimension:value, not {item!r}")
            pairs.append((dimension, value))
        question = Question(
            name,
            grain,
            tuple(d.strip() for d in group_by.split(",") if d.strip()) if group_by is not None else None,
            tuple(pairs),
            start,
            end,
            source,
        )
        try:
            return answer(product_file, product_metrics(product_file), question, min_people)
        except ApiError as error:
            raise HTTPException(error.status, str(error)) from error

    return app


def serve(paths: Paths, host: str, port: int, min_people: int) -> None:
    print(f"analytics API over {paths.published / f'{AUDIENCE}.duckdb'}: http://{host}:{port}/docs", flush=True)
    uvicorn.run(create_app(paths, min_people), host=host, port=port, log_level="warning")
