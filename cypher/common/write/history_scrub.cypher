// Write fragment: keep that deleted memories changed, not what they said.
// rows: [{memory_id}]
UNWIND rows AS row
MATCH (h:History {memory_id: row.memory_id})
SET h.old_memory = null, h.new_memory = null, h.is_deleted = true
