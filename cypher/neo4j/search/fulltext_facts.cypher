// Keyword (BM25-style) hits on fact text, filtered to the scope and time inside the query.
// params: $query (escaped by the dialect), $limit, $as_of, $include_history, scope ids   returns: id, score
CALL db.index.fulltext.queryNodes('fact_text', $query) YIELD node AS f, score
WHERE {{scope f}} AND ($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to > $as_of)))
RETURN f.id AS id, score
ORDER BY score DESC
LIMIT $limit
