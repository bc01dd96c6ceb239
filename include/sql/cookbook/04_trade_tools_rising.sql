-- question: Which trade tools (tariffs, export controls, sanctions) are rising week over week?
-- uses: mart_topic_daily
-- Articles per tool per week (Monday start), weeks without articles counted as 0, over the weeks the
-- warehouse covers. Lists the weeks in which a tool had more articles than the week before, newest first.
WITH tools AS (
    SELECT * FROM (VALUES ('tariffs'), ('export_controls'), ('sanctions')) AS v(topic_id)
),
span AS (
    SELECT date_trunc('week', min(day))::DATE AS first_week, date_trunc('week', max(day))::DATE AS last_week
    FROM mart_topic_daily
),
weeks AS (
    SELECT unnest(generate_series(first_week, last_week, INTERVAL 1 WEEK))::DATE AS week FROM span
),
counts AS (
    SELECT date_trunc('week', day)::DATE AS week, topic_id, sum(articles) AS articles
    FROM mart_topic_daily
    GROUP BY ALL
),
series AS (
    SELECT w.week, t.topic_id, coalesce(c.articles, 0) AS articles
    FROM weeks AS w
    CROSS JOIN tools AS t
    LEFT JOIN counts AS c USING (week, topic_id)
),
changes AS (
    SELECT week, topic_id, articles,
           lag(articles) OVER (PARTITION BY topic_id ORDER BY week) AS previous_week_articles
    FROM series
)
SELECT week, topic_id, articles, previous_week_articles, articles - previous_week_articles AS change
FROM changes
WHERE articles > previous_week_articles
ORDER BY week DESC, change DESC, topic_id;
