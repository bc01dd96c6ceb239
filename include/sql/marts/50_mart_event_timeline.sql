-- mart_event_timeline: what happened when (tariffs, talks, sanctions, export controls, deals...), and where
-- is it reported? One row per extracted event, with its article. event_date is the event's own date, else
-- the article day (coalesce(published_at, first_seen_at) in UTC).
CREATE OR REPLACE TABLE mart_event_timeline AS
SELECT
    coalesce(e.event_date, (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::DATE) AS event_date,
    e.event_type,
    e.status,
    e.place_name,
    e.place_iso3,
    e.actors,
    e.countries,
    e.rate_pct,
    e.target_iso3,
    e.effective_date,
    a.title,
    a.url,
    a.source_id,
    e.article_id,
    e.event_seq,
    a.published_at,
    e.evidence
FROM events AS e
JOIN articles AS a USING (article_id)
ORDER BY event_date, e.article_id, e.event_seq;
