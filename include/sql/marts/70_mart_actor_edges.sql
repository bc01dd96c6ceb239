-- mart_actor_edges: who appears together with whom? The co-mention network of people and organisations.
-- One row per pair of actor keys named in the same article (actor_a < actor_b); articles counts the
-- articles naming both. Names are those of mart_actor_nodes (built just before).
CREATE OR REPLACE TABLE mart_actor_edges AS
WITH article_days AS (
    SELECT article_id, (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM articles
),
actors AS (
    SELECT DISTINCT article_id, person_key AS actor_key FROM article_people
    UNION
    SELECT DISTINCT article_id, org_key AS actor_key FROM article_orgs
),
names AS (
    -- an actor key that is both a person and an organisation keeps one name: the person's
    SELECT actor_key, first(name ORDER BY kind DESC, name) AS name FROM mart_actor_nodes GROUP BY actor_key
),
pairs AS (
    SELECT
        x.actor_key AS actor_a,
        y.actor_key AS actor_b,
        count(DISTINCT x.article_id)::BIGINT AS articles,
        min(ad.day) AS first_day,
        max(ad.day) AS last_day
    FROM actors AS x
    JOIN actors AS y ON x.article_id = y.article_id AND x.actor_key < y.actor_key
    JOIN article_days AS ad ON ad.article_id = x.article_id
    GROUP BY x.actor_key, y.actor_key
)
SELECT p.actor_a, p.actor_b, na.name AS name_a, nb.name AS name_b, p.articles, p.first_day, p.last_day
FROM pairs AS p
LEFT JOIN names AS na ON na.actor_key = p.actor_a
LEFT JOIN names AS nb ON nb.actor_key = p.actor_b
ORDER BY p.actor_a, p.actor_b;
