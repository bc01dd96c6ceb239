-- question: Which people and organisations appear together most often in the news?
-- uses: mart_actor_edges, mart_actor_nodes
-- Pairs of actors named in the same articles, with the share of the rarer actor's articles they share.
SELECT
    e.name_a,
    na.kind AS kind_a,
    e.name_b,
    nb.kind AS kind_b,
    e.articles,
    round(e.articles / NULLIF(least(na.articles, nb.articles), 0), 2) AS overlap,
    e.first_day,
    e.last_day
FROM mart_actor_edges AS e
JOIN (SELECT actor_key, first(kind ORDER BY kind DESC) AS kind, max(articles) AS articles
      FROM mart_actor_nodes GROUP BY actor_key) AS na ON na.actor_key = e.actor_a
JOIN (SELECT actor_key, first(kind ORDER BY kind DESC) AS kind, max(articles) AS articles
      FROM mart_actor_nodes GROUP BY actor_key) AS nb ON nb.actor_key = e.actor_b
WHERE e.articles >= 2
ORDER BY e.articles DESC, overlap DESC, e.actor_a, e.actor_b
LIMIT 25;
