-- question: What did the last pipeline runs do, and does each run's ledger balance?
-- uses: run_ledger
-- The 20 most recent runs, newest first. A balanced run accounts for every discovered page:
-- discovered = fetched + fetch failures + skipped, fetched = loaded + duplicates + not articles + quarantined.
SELECT
    run_id,
    dag_id,
    status,
    finished_at,
    round(epoch(finished_at) - epoch(started_at)) AS seconds,
    items_discovered,
    pages_fetched,
    fetch_failures,
    skipped,
    articles_loaded,
    duplicates,
    not_articles,
    quarantined,
    balanced,
    failed_expectations,
    message
FROM run_ledger
ORDER BY finished_at DESC, run_id
LIMIT 20;
