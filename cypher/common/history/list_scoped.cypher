// Every change recorded for one memory of the caller's scope, oldest first.
// params: $memory_id, scope ids   returns: event (map)
MATCH (h:History {memory_id: $memory_id})
WHERE {{scope h}}
RETURN h {.id, .memory_id, .event, .old_memory, .new_memory, .actor, .created_at, .is_deleted,
          .user_id, .agent_id, .run_id} AS event
ORDER BY h.created_at, h.seq
