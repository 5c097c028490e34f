// Every relationship type in the graph (graph expansion ranks them against the query).
// returns: type
CALL db.relationshipTypes() YIELD relationshipType
RETURN relationshipType AS type
