-- mart_risk_index_daily: the daily GPR and TPU indexes, for all news ('ALL') and per country.
-- Built from mart_risk_daily as the published indexes are: per day, the mean over sources of each
-- source's share (every source weighs the same). gpr_index = 100 * gpr_share / the mean gpr_share over
-- all days of that iso3 in the warehouse (base-period mean of 100; NULL when that mean is 0, i.e. no GPR
-- article at all). tpu_index = 10000 * tpu_share (a 1% share is 100).
CREATE OR REPLACE TABLE mart_risk_index_daily AS
WITH daily AS (
    SELECT
        day,
        iso3,
        count(DISTINCT source_id)::BIGINT AS sources,
        sum(articles)::BIGINT AS articles,
        avg(gpr_share)::DOUBLE AS gpr_share,
        avg(tpu_share)::DOUBLE AS tpu_share
    FROM mart_risk_daily
    GROUP BY day, iso3
)
SELECT
    day,
    iso3,
    sources,
    articles,
    gpr_share,
    tpu_share,
    (100 * gpr_share / NULLIF(avg(gpr_share) OVER (PARTITION BY iso3), 0))::DOUBLE AS gpr_index,
    (10000 * tpu_share)::DOUBLE AS tpu_index
FROM daily
ORDER BY day, iso3;
