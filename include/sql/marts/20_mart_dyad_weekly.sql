-- mart_dyad_weekly: is the tone between two countries getting better or worse from week to week?
-- One row per week (starting Monday) and dyad. tone and conflict_cooperation are means over the week's
-- dyad rows (not means of daily means); tone_change is tone minus the dyad's previous week with data
-- (weeks without articles are skipped), NULL for the dyad's first week.
CREATE OR REPLACE TABLE mart_dyad_weekly AS
WITH article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM articles
),
weekly AS (
    SELECT
        date_trunc('week', ad.day)::DATE AS week,
        d.a,
        d.b,
        count(DISTINCT d.article_id)::BIGINT AS articles,
        sum(d.mentions)::BIGINT AS mentions,
        avg(d.tone)::DOUBLE AS tone,
        avg(d.conflict_cooperation)::DOUBLE AS conflict_cooperation
    FROM dyads AS d
    JOIN article_days AS ad USING (article_id)
    GROUP BY ALL
)
SELECT
    week,
    a,
    b,
    articles,
    mentions,
    tone,
    conflict_cooperation,
    (tone - lag(tone) OVER (PARTITION BY a, b ORDER BY week))::DOUBLE AS tone_change
FROM weekly
ORDER BY week, a, b;
