// Vector hits on facts through the vector index, filtered to the scope and time inside the query.
// The caller over-fetches ($k >= $limit) and falls back to search/vector_facts_exact when fewer
// than $limit rows survive the filter, so a small scope is never starved by "top-k then filter".
// Neo4j's score is (1 + cos) / 2; similarity is returned as cos in [-1, 1].
// params: $vector, $k, $limit, $as_of, $include_history, scope ids   returns: id, similarity
CALL db.index.vector.queryNodes('fact_embedding', $k, $vector) YIELD node AS f, score
WHERE {{scope f}} AND ($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to > $as_of)))
RETURN f.id AS id, 2 * score - 1 AS similarity
ORDER BY similarity DESC
LIMIT $limit
