// Every change recorded for one memory, oldest first.
// params: $memory_id   returns: event (map)
MATCH (h:History {memory_id: $memory_id})
RETURN h {.id, .memory_id, .event, .old_memory, .new_memory, .actor, .created_at, .is_deleted,
          .user_id, .agent_id, .run_id} AS event
ORDER BY h.created_at, h.seq
