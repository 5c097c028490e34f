// FalkorDB: the vector index yields a cosine distance (smaller is closer); similarity = 1 - distance.
// params: $vector, $k, $limit, $as_of, $include_history, scope ids   returns: id, similarity
CALL db.idx.vector.queryNodes('Fact', 'embedding', $k, vecf32($vector)) YIELD node AS f, score
WHERE {{scope f}} AND ($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to > $as_of)))
RETURN f.id AS id, 1 - score AS similarity
ORDER BY similarity DESC
LIMIT $limit
