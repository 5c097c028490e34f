// delete_all(): move the write clock of every exact scope under the scope (searches then
// re-read their catalogue, and an add that read before the delete re-decides).
// params: scope ids   returns: bumped
MATCH (c:ScopeClock)
WHERE {{scope c}}
SET c.version = c.version + 1
RETURN count(c) AS bumped
