// The scope's most recent episodes before a time (context window for extraction).
// params: scope ids, $before, $limit   returns: messages_json, occurred_at
MATCH (e:Episode)
WHERE {{scope e}} AND e.occurred_at <= $before
RETURN e.messages_json AS messages_json, e.occurred_at AS occurred_at
ORDER BY e.occurred_at DESC
LIMIT $limit
