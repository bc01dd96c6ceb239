-- mart_risk_daily: how much of each source's news each day is about geopolitical risk (GPR) and trade
-- policy uncertainty (TPU)? As in the published GPR and TPU indexes, the shares are of ALL the source's
-- articles that day (trade or not), so a source that publishes more does not weigh more.
-- iso3 'ALL' counts every article; any other iso3 counts the articles about that country
-- (article_countries.about). gpr_articles: gpr_threat or gpr_act. NULL flags (enrichment failed) count
-- in the denominator only.
CREATE OR REPLACE TABLE mart_risk_daily AS
WITH scoped AS (
    SELECT
        (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::DATE AS day,
        a.source_id,
        s.iso3,
        a.article_id,
        a.gpr_threat,
        a.gpr_act,
        a.tpu
    FROM articles AS a
    JOIN (
        SELECT article_id, 'ALL' AS iso3 FROM articles
        UNION
        SELECT article_id, iso3 FROM article_countries WHERE about
    ) AS s USING (article_id)
),
counts AS (
    SELECT
        day,
        source_id,
        iso3,
        count(DISTINCT article_id)::BIGINT AS articles,
        count(DISTINCT article_id) FILTER (WHERE gpr_threat OR gpr_act)::BIGINT AS gpr_articles,
        count(DISTINCT article_id) FILTER (WHERE gpr_threat)::BIGINT AS gpr_threat_articles,
        count(DISTINCT article_id) FILTER (WHERE gpr_act)::BIGINT AS gpr_act_articles,
        count(DISTINCT article_id) FILTER (WHERE tpu)::BIGINT AS tpu_articles
    FROM scoped
    GROUP BY day, source_id, iso3
)
SELECT
    day,
    source_id,
    iso3,
    articles,
    gpr_articles,
    gpr_threat_articles,
    gpr_act_articles,
    tpu_articles,
    (gpr_articles / NULLIF(articles, 0))::DOUBLE AS gpr_share,
    (tpu_articles / NULLIF(articles, 0))::DOUBLE AS tpu_share
FROM counts
ORDER BY day, source_id, iso3;
