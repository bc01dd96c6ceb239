-- question: Which countries are the rare earth and critical minerals stories about, and how recent are they?
-- uses: article_topics, article_countries, articles, countries
-- Articles tagged critical_minerals, per country the article is about (article_countries.about).
SELECT
    ac.iso3,
    coalesce(c.name, ac.name, ac.iso3) AS country,
    count(DISTINCT a.article_id) AS stories,
    min((coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::DATE) AS first_day,
    max((coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::DATE) AS last_day,
    list(DISTINCT a.title ORDER BY a.title) AS titles
FROM article_topics AS t
JOIN articles AS a USING (article_id)
JOIN article_countries AS ac USING (article_id)
LEFT JOIN countries AS c ON c.iso3 = ac.iso3
WHERE t.topic_id = 'critical_minerals' AND ac.about
GROUP BY ALL
ORDER BY stories DESC, last_day DESC, ac.iso3;
