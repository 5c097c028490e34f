// delete_all(): every fact, entity and episode written in the scope.
// params: scope ids   returns: deleted
MATCH (f:Fact)
WHERE {{scope f}}
DETACH DELETE f
WITH count(*) AS _
MATCH (e:Episode)
WHERE {{scope e}}
DETACH DELETE e
WITH count(*) AS _
MATCH (n:Entity)
WHERE {{scope n}}
DETACH DELETE n
RETURN count(*) AS deleted
