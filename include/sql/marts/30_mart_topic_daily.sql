-- mart_topic_daily: which trade topics did the press cover each day, and what share of the day's news?
-- One row per article day and topic with at least one article. share = articles with the topic / all
-- articles that day (any source, trade or not); days without articles have no rows.
CREATE OR REPLACE TABLE mart_topic_daily AS
WITH article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM articles
),
day_totals AS (
    SELECT day, count(*)::BIGINT AS total FROM article_days GROUP BY day
),
topic_counts AS (
    SELECT ad.day, t.topic_id, count(DISTINCT t.article_id)::BIGINT AS articles
    FROM article_topics AS t
    JOIN article_days AS ad USING (article_id)
    GROUP BY ad.day, t.topic_id
)
SELECT
    tc.day,
    tc.topic_id,
    coalesce(tp.label, tc.topic_id) AS label,
    tc.articles,
    (tc.articles / NULLIF(dt.total, 0))::DOUBLE AS share
FROM topic_counts AS tc
JOIN day_totals AS dt USING (day)
LEFT JOIN topics AS tp USING (topic_id)
ORDER BY tc.day, tc.topic_id;
