-- question: Which ten country pairs saw their tone worsen most in the latest month compared with the month before?
-- uses: dyads, articles
-- The latest month is the calendar month of the newest article day in the warehouse (not today's month).
-- A month's tone is the mean tone of the pair's dyad rows that month; only pairs covered in both months
-- can be compared. Most negative tone_change first (a positive change means the tone improved).
WITH dyad_days AS (
    SELECT d.a, d.b, d.tone, d.article_id,
           (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::DATE AS day
    FROM dyads AS d
    JOIN articles AS a USING (article_id)
),
months AS (
    SELECT date_trunc('month', max(day))::DATE AS latest,
           (date_trunc('month', max(day)) - INTERVAL 1 MONTH)::DATE AS previous
    FROM dyad_days
),
monthly AS (
    SELECT dd.a, dd.b, date_trunc('month', dd.day)::DATE AS month,
           avg(dd.tone) AS tone, count(DISTINCT dd.article_id) AS articles
    FROM dyad_days AS dd
    GROUP BY ALL
)
SELECT
    cur.a,
    cur.b,
    m.previous AS previous_month,
    round(prev.tone, 3) AS previous_tone,
    prev.articles AS previous_articles,
    m.latest AS latest_month,
    round(cur.tone, 3) AS latest_tone,
    cur.articles AS latest_articles,
    round(cur.tone - prev.tone, 3) AS tone_change
FROM months AS m
JOIN monthly AS cur ON cur.month = m.latest
JOIN monthly AS prev ON prev.month = m.previous AND prev.a = cur.a AND prev.b = cur.b
WHERE cur.tone IS NOT NULL AND prev.tone IS NOT NULL
ORDER BY tone_change ASC, cur.a, cur.b
LIMIT 10;
