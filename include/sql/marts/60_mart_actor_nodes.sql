-- mart_actor_nodes: who (people and organisations) appears in the news, how often, and since when?
-- One row per actor key: article_people.person_key (kind 'person') or article_orgs.org_key
-- (kind 'organization'). name and country_iso3 are the ones most articles give (ties: the smallest),
-- so rebuilding gives the same table. first_day and last_day are article days.
CREATE OR REPLACE TABLE mart_actor_nodes AS
WITH article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM articles
),
mentions AS (
    SELECT person_key AS actor_key, 'person' AS kind, article_id, name, country_iso3 FROM article_people
    UNION ALL
    SELECT org_key AS actor_key, 'organization' AS kind, article_id, name, country_iso3 FROM article_orgs
),
names AS (
    SELECT actor_key, kind, name, count(*) AS n FROM mentions GROUP BY ALL
),
best_name AS (
    SELECT actor_key, kind, first(name ORDER BY n DESC, name) AS name FROM names GROUP BY ALL
),
country_counts AS (
    SELECT actor_key, kind, country_iso3, count(*) AS n FROM mentions WHERE country_iso3 IS NOT NULL GROUP BY ALL
),
best_country AS (
    SELECT actor_key, kind, first(country_iso3 ORDER BY n DESC, country_iso3) AS country_iso3
    FROM country_counts
    GROUP BY ALL
),
spans AS (
    SELECT
        m.actor_key,
        m.kind,
        count(DISTINCT m.article_id)::BIGINT AS articles,
        min(ad.day) AS first_day,
        max(ad.day) AS last_day
    FROM mentions AS m
    JOIN article_days AS ad USING (article_id)
    GROUP BY ALL
)
SELECT s.actor_key, bn.name, s.kind, bc.country_iso3, s.articles, s.first_day, s.last_day
FROM spans AS s
JOIN best_name AS bn USING (actor_key, kind)
LEFT JOIN best_country AS bc USING (actor_key, kind)
ORDER BY s.actor_key, s.kind;
