-- question: Where did the events happen, as a map-ready list with latitude and longitude?
-- uses: mart_event_timeline, article_places
-- Events with a place name, geocoded from the article's own places (article_places of the same article),
-- else from the most frequent coordinates that name has anywhere in the warehouse. Rows without
-- coordinates are left out (a map cannot draw them).
WITH known_places AS (
    SELECT name, first(lat ORDER BY n DESC, lat) AS lat, first(lon ORDER BY n DESC, lat) AS lon
    FROM (
        SELECT name, lat, lon, count(*) AS n
        FROM article_places
        WHERE lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY ALL
    )
    GROUP BY name
)
SELECT
    t.event_date,
    t.event_type,
    t.status,
    t.place_name,
    t.place_iso3,
    coalesce(ap.lat, kp.lat) AS lat,
    coalesce(ap.lon, kp.lon) AS lon,
    t.actors,
    t.title,
    t.url
FROM mart_event_timeline AS t
LEFT JOIN article_places AS ap ON ap.article_id = t.article_id AND ap.name = t.place_name AND ap.lat IS NOT NULL
LEFT JOIN known_places AS kp ON kp.name = t.place_name
WHERE t.place_name IS NOT NULL AND coalesce(ap.lat, kp.lat) IS NOT NULL
ORDER BY t.event_date DESC, t.article_id, t.event_seq;
