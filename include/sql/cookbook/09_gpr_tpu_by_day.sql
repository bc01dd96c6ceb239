-- question: What are the daily geopolitical risk (GPR) and trade policy uncertainty (TPU) indexes?
-- uses: mart_risk_index_daily
-- For all news; set scope.iso3 to a country's ISO3 for that country's index. gpr_index is NULL when the
-- scope has no GPR article at all (its base-period mean is 0).
WITH scope AS (
    SELECT 'ALL' AS iso3
)
SELECT r.day, r.sources, r.articles, r.gpr_share, r.gpr_index, r.tpu_share, r.tpu_index
FROM mart_risk_index_daily AS r
JOIN scope USING (iso3)
ORDER BY r.day;
