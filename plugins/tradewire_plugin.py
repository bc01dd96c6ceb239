"""Tradewire in the Airflow UI: a "Tradewire" page with the latest runs and data quality, and the Data Docs.

The page is a small FastAPI app mounted by the API server under /tradewire; it
reads only the read-only snapshot, the run ledgers and the Data Docs folder,
never the warehouse file.
"""

from __future__ import annotations

import html
from typing import Any

from airflow.plugins_manager import AirflowPlugin
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

app = FastAPI(title="Tradewire", description="Run ledgers, data quality and published tables of the Tradewire pipeline")


@app.get("/status.json")
def status_json() -> dict[str, Any]:
    from tradewire.serve.status import status

    return status()


@app.get("/", response_class=HTMLResponse)
def status_page() -> str:
    from tradewire.serve.status import status, status_html

    return status_html(status())


@app.get("/data-docs", include_in_schema=False)
def data_docs_root() -> RedirectResponse:
    # Data Docs link their pages relatively: the index must be served from a URL ending in "/"
    return RedirectResponse("data-docs/")


@app.get("/data-docs/{path:path}", include_in_schema=False)
def data_docs(path: str) -> Response:
    """Great Expectations Data Docs, looked up per request: the folder appears after the first validation."""
    from tradewire.serve.status import data_docs_file
    from tradewire.settings import Settings

    root = Settings.from_env().data_docs_dir
    if not (root / "index.html").is_file():
        back = "../" * (path.count("/") + 1)  # the Tradewire page, relative to this URL
        return HTMLResponse(_page("No Data Docs yet", "No validation has run yet.", back), status_code=404)
    target = data_docs_file(root, path)
    if target is None:
        return HTMLResponse(_page("Not found", "No such Data Docs page."), status_code=404)
    return FileResponse(target)  # Content-Type guessed from the file name


@app.get("/report", include_in_schema=False)
def report() -> Response:
    """The analytics report tradewire_analytics renders: one self-contained HTML file."""
    from tradewire.settings import Settings

    path = Settings.from_env().report_path
    if not path.is_file():
        message = "tradewire_analytics has not rendered the report yet: it runs after each ingest."
        return HTMLResponse(_page("No report yet", message, "./"), status_code=404)
    # the report makes no requests of its own: forbid any, so data in it cannot call out either
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    return FileResponse(path, media_type="text/html", headers={"Content-Security-Policy": policy})


def _page(title: str, message: str, back: str | None = None) -> str:
    esc = html.escape
    link = f"<p><a href='{esc(back)}'>Back to Tradewire</a></p>" if back else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(title)}</title></head>"
        f"<body style='font-family:sans-serif;margin:1.5em'><h1>{esc(title)}</h1><p>{esc(message)}</p>"
        "<p>Great Expectations builds the Data Docs each time the pipeline validates a batch.</p>"
        f"{link}</body></html>"
    )


class TradewirePlugin(AirflowPlugin):
    name = "tradewire"
    fastapi_apps = [{"app": app, "url_prefix": "/tradewire", "name": "Tradewire"}]  # noqa: RUF012
    external_views = [  # noqa: RUF012
        {
            "name": "Tradewire",
            "href": "tradewire/",
            "destination": "nav",
            "category": "browse",
            "url_route": "tradewire",
        },
        {
            "name": "Tradewire report",
            "href": "tradewire/report",
            "destination": "nav",
            "category": "browse",
            "url_route": "tradewire-report",
        },
        {
            "name": "Data Docs",
            "href": "tradewire/data-docs/",
            "destination": "nav",
            "category": "browse",
            "url_route": "tradewire-data-docs",
        },
    ]
