-- question: Where and when did two named people (here Scott Bessent and He Lifeng) meet or negotiate?
-- uses: mart_event_timeline, article_places
-- Edit the two names in the pair CTE (names as the event extractor writes them, see mart_actor_nodes.name).
-- Meetings, talks, summits and agreements whose actors include both. place_name is the event's own place;
-- when the event has none, article_place is the place the article mentions most (a hint, not a fact).
WITH pair AS (
    SELECT 'Scott Bessent' AS person_a, 'He Lifeng' AS person_b
),
top_place AS (
    SELECT article_id, first(name ORDER BY mentions DESC, name) AS name
    FROM article_places
    GROUP BY article_id
)
SELECT
    t.event_date,
    t.event_type,
    t.status,
    t.place_name,
    t.place_iso3,
    CASE WHEN t.place_name IS NULL THEN tp.name END AS article_place,
    t.actors,
    t.title,
    t.source_id,
    t.url,
    t.evidence
FROM mart_event_timeline AS t
CROSS JOIN pair AS p
LEFT JOIN top_place AS tp USING (article_id)
WHERE t.event_type IN ('meeting', 'talks', 'summit', 'agreement')
  AND list_contains(t.actors, p.person_a)
  AND list_contains(t.actors, p.person_b)
ORDER BY t.event_date DESC, t.article_id, t.event_seq;
