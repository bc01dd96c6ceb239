-- mart_topic_country_daily: what is the news about a country about, day by day?
-- One row per article day, country and topic. Only articles that are about the country count
-- (article_countries.about; a passing mention is not enough). share = articles about the country with
-- the topic / all articles about the country that day.
CREATE OR REPLACE TABLE mart_topic_country_daily AS
WITH article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM articles
),
about AS (
    SELECT DISTINCT ac.article_id, ac.iso3, ad.day
    FROM article_countries AS ac
    JOIN article_days AS ad USING (article_id)
    WHERE ac.about
),
country_totals AS (
    SELECT day, iso3, count(DISTINCT article_id)::BIGINT AS total FROM about GROUP BY day, iso3
),
counts AS (
    SELECT ab.day, ab.iso3, t.topic_id, count(DISTINCT ab.article_id)::BIGINT AS articles
    FROM about AS ab
    JOIN article_topics AS t USING (article_id)
    GROUP BY ab.day, ab.iso3, t.topic_id
),
names AS (
    -- the dimension's name; the name the enricher gave when the code is not in the dimension
    SELECT iso3, min(name) AS name FROM article_countries WHERE name IS NOT NULL GROUP BY iso3
)
SELECT
    c.day,
    c.iso3,
    coalesce(co.name, n.name, c.iso3) AS country_name,
    c.topic_id,
    c.articles,
    (c.articles / NULLIF(ct.total, 0))::DOUBLE AS share
FROM counts AS c
JOIN country_totals AS ct USING (day, iso3)
LEFT JOIN countries AS co USING (iso3)
LEFT JOIN names AS n USING (iso3)
ORDER BY c.day, c.iso3, c.topic_id;
