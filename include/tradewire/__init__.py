"""Tradewire: news to warehouse for trade and geopolitics.

The package holds all pipeline logic, organised by stage (fetch, clean, enrich,
validate, load, serve). It never imports Airflow: DAG files in dags/ call it.
"""

__version__ = "0.1.0"
