// A fingerprint of the scope's facts for the in-process search catalogue: any add, update,
// supersession or delete in the scope changes it (count, newest recorded/updated stamps).
// params: scope ids   returns: n, recorded, updated
MATCH (f:Fact)
WHERE {{scope f}}
RETURN count(f) AS n, max(f.recorded_at) AS recorded, max(f.updated_at) AS updated
