// Clocks written before clocks carried their scope's ids (bootstrap fills them in, see
// admin/label_clocks).
// returns: key
MATCH (c:ScopeClock)
WHERE c.user_id IS NULL AND c.agent_id IS NULL AND c.run_id IS NULL
RETURN c.key AS key
