// Ids of the scope's facts (for history records of delete_all).
// params: scope ids   returns: id
MATCH (f:Fact)
WHERE {{scope f}}
RETURN f.id AS id
