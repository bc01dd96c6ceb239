-- question: What are the largest money amounts cited in trade stories?
-- uses: amounts, articles
-- Money amounts in trade articles (articles.is_trade). Values are in their own currency and are not
-- converted, so they are ranked within each currency: the five largest per currency, the most cited
-- currencies first.
WITH money AS (
    SELECT
        am.currency,
        am.value,
        am.text,
        am.refers_to,
        a.title,
        a.source_id,
        a.url,
        (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::DATE AS day,
        count(*) OVER (PARTITION BY am.currency) AS currency_amounts,
        row_number() OVER (PARTITION BY am.currency ORDER BY am.value DESC, am.article_id, am.amount_seq) AS rank
    FROM amounts AS am
    JOIN articles AS a USING (article_id)
    WHERE am.kind = 'money' AND a.is_trade AND am.value IS NOT NULL
)
SELECT currency, rank, value, text, refers_to, day, title, source_id, url
FROM money
WHERE rank <= 5
ORDER BY currency_amounts DESC, currency, rank;
