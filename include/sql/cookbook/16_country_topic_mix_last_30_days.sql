-- question: What is the news about a country (here China) about over the last 30 days of data?
-- uses: articles, article_countries, article_topics, topics
-- The 30 article days ending on the newest article day in the warehouse (not today). share: of the
-- articles about the country in that window, the share with each topic (an article can have several).
WITH params AS (
    SELECT 'CHN' AS iso3, 30 AS days
),
article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day FROM articles
),
window_days AS (
    SELECT max(ad.day) - (p.days - 1) AS first_day, max(ad.day) AS last_day
    FROM article_days AS ad
    CROSS JOIN params AS p
    GROUP BY p.days
),
about AS (
    SELECT DISTINCT ad.article_id
    FROM article_days AS ad
    JOIN article_countries AS ac USING (article_id)
    JOIN params AS p ON p.iso3 = ac.iso3
    CROSS JOIN window_days AS w
    WHERE ac.about AND ad.day BETWEEN w.first_day AND w.last_day
)
SELECT
    t.topic_id,
    coalesce(tp.label, t.topic_id) AS label,
    count(DISTINCT t.article_id) AS articles,
    round(count(DISTINCT t.article_id) / (SELECT count(*) FROM about), 3) AS share,
    w.first_day,
    w.last_day
FROM about AS ab
JOIN article_topics AS t USING (article_id)
LEFT JOIN topics AS tp USING (topic_id)
CROSS JOIN window_days AS w
GROUP BY ALL
ORDER BY articles DESC, t.topic_id;
