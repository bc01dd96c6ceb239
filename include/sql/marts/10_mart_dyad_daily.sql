-- mart_dyad_daily: how much, and in what tone, did the press write about each country pair each day?
-- One row per article day and dyad (a < b, ISO3). articles: articles with the dyad; mentions: summed
-- co-mentions; tone and conflict_cooperation: means over those articles' dyad rows (NULL tones ignored).
-- The article day is coalesce(published_at, first_seen_at) in UTC, whatever the session time zone.
CREATE OR REPLACE TABLE mart_dyad_daily AS
WITH article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM articles
)
SELECT
    ad.day,
    d.a,
    d.b,
    count(DISTINCT d.article_id)::BIGINT AS articles,
    sum(d.mentions)::BIGINT AS mentions,
    avg(d.tone)::DOUBLE AS tone,
    avg(d.conflict_cooperation)::DOUBLE AS conflict_cooperation
FROM dyads AS d
JOIN article_days AS ad USING (article_id)
GROUP BY ad.day, d.a, d.b
ORDER BY ad.day, d.a, d.b;
