-- question: Which countries are most often the target of tariff actions?
-- uses: mart_event_timeline, countries
-- Tariff events with an extracted target country (events without one are not counted), any status.
SELECT
    t.target_iso3 AS iso3,
    coalesce(c.name, t.target_iso3) AS country,
    count(*) AS tariff_actions,
    count(DISTINCT t.article_id) AS articles,
    count(*) FILTER (WHERE t.status = 'imposed') AS imposed,
    count(*) FILTER (WHERE t.status IN ('threatened', 'announced')) AS threatened_or_announced,
    count(*) FILTER (WHERE t.status = 'lifted') AS lifted,
    max(t.rate_pct) AS highest_rate_pct,
    max(t.event_date) AS latest
FROM mart_event_timeline AS t
LEFT JOIN countries AS c ON c.iso3 = t.target_iso3
WHERE t.event_type = 'tariff_action' AND t.target_iso3 IS NOT NULL
GROUP BY ALL
ORDER BY tariff_actions DESC, articles DESC, iso3;
