// An episode already stored with this content hash in this exact scope (idempotent add()).
// params: $scope_key, $content_hash   returns: id
MATCH (e:Episode {content_hash: $content_hash})
WHERE e.scope_key = $scope_key
RETURN e.id AS id
LIMIT 1
