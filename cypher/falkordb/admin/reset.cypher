// reset(): delete everything in this graph.
// returns: deleted
MATCH (n)
DETACH DELETE n
RETURN count(*) AS deleted
