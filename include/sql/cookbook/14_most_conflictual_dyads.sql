-- question: Which country pairs are written about in the most conflictual terms?
-- uses: mart_dyad_daily, countries
-- Over the whole warehouse, the article-weighted mean conflict_cooperation of each pair (below 0:
-- conflict, above 0: cooperation), most conflictual first. Pairs need at least min_articles articles.
WITH params AS (
    SELECT 1 AS min_articles
),
pairs AS (
    SELECT
        a,
        b,
        sum(articles) AS articles,
        sum(conflict_cooperation * articles)
            / NULLIF(sum(articles) FILTER (WHERE conflict_cooperation IS NOT NULL), 0) AS mean_cc,
        sum(tone * articles) / NULLIF(sum(articles) FILTER (WHERE tone IS NOT NULL), 0) AS mean_tone,
        min(day) AS first_day,
        max(day) AS last_day
    FROM mart_dyad_daily
    GROUP BY a, b
)
SELECT
    p.a,
    ca.name AS country_a,
    p.b,
    cb.name AS country_b,
    p.articles,
    round(p.mean_cc, 3) AS conflict_cooperation,
    round(p.mean_tone, 3) AS tone,
    p.first_day,
    p.last_day
FROM pairs AS p
CROSS JOIN params
LEFT JOIN countries AS ca ON ca.iso3 = p.a
LEFT JOIN countries AS cb ON cb.iso3 = p.b
WHERE p.articles >= params.min_articles AND p.mean_cc IS NOT NULL
ORDER BY p.mean_cc ASC, p.articles DESC, p.a, p.b
LIMIT 15;
