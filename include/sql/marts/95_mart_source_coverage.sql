-- mart_source_coverage: is every source delivering, and how fresh is it?
-- One row per source (configured in sources, or seen in articles or items). articles_last_7_days: the
-- seven article days ending on the newest article day in the warehouse (not today: a warehouse loaded
-- from an old sample still shows its last week). first_published and last_published use the article
-- time (published_at, else first_seen_at). items_error / items_quarantined: items in that state now.
-- freshness_hours: hours from the newest last_seen_at of its articles to now(), so it changes on rebuild.
CREATE OR REPLACE TABLE mart_source_coverage AS
WITH source_ids AS (
    SELECT source_id FROM sources
    UNION
    SELECT source_id FROM articles
    UNION
    SELECT source_id FROM items WHERE source_id IS NOT NULL
),
article_days AS (
    SELECT
        source_id,
        coalesce(published_at, first_seen_at) AS published,
        (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day,
        last_seen_at
    FROM articles
),
newest AS (
    SELECT max(day) AS day FROM article_days
),
per_source AS (
    SELECT
        ad.source_id,
        count(*)::BIGINT AS articles,
        count(*) FILTER (WHERE ad.day > n.day - 7)::BIGINT AS articles_last_7_days,
        min(ad.published) AS first_published,
        max(ad.published) AS last_published,
        max(ad.last_seen_at) AS last_seen_at
    FROM article_days AS ad
    CROSS JOIN newest AS n
    GROUP BY ad.source_id
),
item_states AS (
    SELECT
        source_id,
        count(*) FILTER (WHERE status = 'error')::BIGINT AS items_error,
        count(*) FILTER (WHERE status = 'quarantined')::BIGINT AS items_quarantined
    FROM items
    GROUP BY source_id
)
SELECT
    si.source_id,
    s.name,
    s.kind,
    coalesce(ps.articles, 0)::BIGINT AS articles,
    coalesce(ps.articles_last_7_days, 0)::BIGINT AS articles_last_7_days,
    ps.first_published,
    ps.last_published,
    ps.last_seen_at,
    coalesce(it.items_error, 0)::BIGINT AS items_error,
    coalesce(it.items_quarantined, 0)::BIGINT AS items_quarantined,
    ((epoch(now()) - epoch(ps.last_seen_at)) / 3600.0)::DOUBLE AS freshness_hours
FROM source_ids AS si
LEFT JOIN sources AS s USING (source_id)
LEFT JOIN per_source AS ps USING (source_id)
LEFT JOIN item_states AS it USING (source_id)
ORDER BY si.source_id;
