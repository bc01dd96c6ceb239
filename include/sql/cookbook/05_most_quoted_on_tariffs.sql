-- question: Who is quoted most often in stories about tariffs?
-- uses: quotes, article_topics, articles
-- Quotes in articles tagged with the tariffs topic, grouped by speaker (the known actor when resolved,
-- else the speaker's name as written).
SELECT
    coalesce(q.speaker_actor_id, q.speaker) AS speaker_key,
    first(q.speaker ORDER BY q.speaker) AS speaker,
    first(q.speaker_role ORDER BY q.speaker_role NULLS LAST) AS role,
    count(*) AS quotes,
    count(DISTINCT q.article_id) AS articles,
    count(DISTINCT a.source_id) AS sources,
    first(q.text ORDER BY length(q.text) DESC) AS longest_quote
FROM quotes AS q
JOIN article_topics AS t ON t.article_id = q.article_id AND t.topic_id = 'tariffs'
JOIN articles AS a ON a.article_id = q.article_id
WHERE q.speaker IS NOT NULL
GROUP BY speaker_key
ORDER BY quotes DESC, articles DESC, speaker_key
LIMIT 20;
