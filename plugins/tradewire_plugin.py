"""Tradewire in the Airflow UI: a "Tradewire" page with the latest run ledgers and the published tables.

The page is a small FastAPI app mounted by the API server under /tradewire; it
reads only the read-only snapshot and the run ledgers, never the warehouse file.
"""

from __future__ import annotations

from typing import Any

from airflow.plugins_manager import AirflowPlugin
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

app = FastAPI(title="Tradewire", description="Run ledgers and published tables of the Tradewire pipeline")


@app.get("/status.json")
def status_json() -> dict[str, Any]:
    from tradewire.serve.status import status

    return status()


@app.get("/", response_class=HTMLResponse)
def status_page() -> str:
    from tradewire.serve.status import status, status_html

    return status_html(status())


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
        }
    ]
