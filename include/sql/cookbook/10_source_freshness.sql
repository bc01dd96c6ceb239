-- question: Which sources are stale or failing, and when did each last deliver?
-- uses: mart_source_coverage
-- Stalest first. status: 'failing' with fetch errors or quarantined items, 'stale' when nothing was seen
-- for more than 48 hours, 'silent' when a source never delivered an article, else 'ok'.
SELECT
    source_id,
    kind,
    CASE
        WHEN items_error > 0 OR items_quarantined > 0 THEN 'failing'
        WHEN last_seen_at IS NULL THEN 'silent'
        WHEN freshness_hours > 48 THEN 'stale'
        ELSE 'ok'
    END AS status,
    round(freshness_hours, 1) AS freshness_hours,
    last_seen_at,
    last_published,
    articles,
    articles_last_7_days,
    items_error,
    items_quarantined
FROM mart_source_coverage
ORDER BY freshness_hours DESC NULLS FIRST, source_id;
