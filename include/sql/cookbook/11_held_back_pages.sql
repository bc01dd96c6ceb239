-- question: Which pages are held in quarantine or were otherwise not loaded as articles, and why?
-- uses: quarantine, items
-- Quarantined items (not yet released) with the failed expectations of each stage that held them,
-- followed by pages the pipeline skipped, found duplicate or failed to fetch, with the reason it gave.
-- A clean run (as the bundled sample) quarantines nothing, so then only the second kind appears.
WITH held AS (
    SELECT
        'quarantined' AS held_as,
        q.stage,
        q.item_id,
        i.source_id,
        coalesce(i.url, i.path) AS location,
        q.reason,
        q.failed_expectations,
        q.run_id,
        q.quarantined_at AS since
    FROM quarantine AS q
    LEFT JOIN items AS i USING (item_id)
    WHERE q.released_at IS NULL
    UNION ALL
    SELECT
        i.status AS held_as,
        NULL AS stage,
        i.item_id,
        i.source_id,
        coalesce(i.url, i.path) AS location,
        coalesce(i.reason, CASE WHEN i.duplicate_of IS NOT NULL THEN 'duplicate of ' || i.duplicate_of END) AS reason,
        NULL AS failed_expectations,
        i.last_run_id AS run_id,
        i.last_fetched_at AS since
    FROM items AS i
    WHERE i.item_kind <> 'feed' AND i.status IN ('skipped', 'duplicate', 'error', 'failed')
)
SELECT *
FROM held
ORDER BY held_as <> 'quarantined', held_as, since DESC, item_id;
