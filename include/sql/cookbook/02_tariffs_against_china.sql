-- question: Which tariffs have been threatened, announced or imposed against China, at what rate, effective when?
-- uses: mart_event_timeline, countries
-- Tariff events aimed at China: target_iso3 = 'CHN', or no target extracted but China among the event's
-- countries (target_basis says which, the second is weaker evidence). Lifted tariffs are left out.
SELECT
    t.event_date,
    t.status,
    t.rate_pct,
    t.effective_date,
    CASE WHEN t.target_iso3 = 'CHN' THEN 'target' ELSE 'country mentioned' END AS target_basis,
    t.countries,
    t.actors,
    t.title,
    t.source_id,
    t.url,
    t.evidence
FROM mart_event_timeline AS t
WHERE t.event_type = 'tariff_action'
  AND t.status IN ('threatened', 'announced', 'imposed')
  AND (t.target_iso3 = 'CHN' OR (t.target_iso3 IS NULL AND list_contains(t.countries, 'CHN')))
ORDER BY t.event_date DESC, t.article_id, t.event_seq;
