// Remove the content of history records of deleted memories (keep that a change happened).
// params: $memory_ids   returns: scrubbed
MATCH (h:History)
WHERE h.memory_id IN $memory_ids
SET h.old_memory = null, h.new_memory = null, h.is_deleted = true
RETURN count(h) AS scrubbed
