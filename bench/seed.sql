-- Bench data: :sessions sessions in the bench workspace (created over the last 30 days) (owned by the bench user, half of them shared)
-- and as many in each neighbouring workspace (the workspaces table lists them), :messages messages
-- each, and one long session. psql variables: ws, owner, sessions, messages, long_messages.
\set ON_ERROR_STOP on

INSERT INTO sessions (id, workspace_id, user_id, title, model, agent, origin, visibility, message_count,
    preview_text, preview_seq, created_at, updated_at, last_message_at, last_seq, version,
    total_usage_message_count, total_usage_input_tokens, total_usage_output_tokens, total_usage_cache_read_input_tokens,
    total_usage_cache_creation_input_tokens, total_usage_tool_call_count, total_usage_cost_usd, total_usage_uncosted_usage_count,
    current_usage_message_count, current_usage_input_tokens, current_usage_output_tokens, current_usage_cache_read_input_tokens,
    current_usage_cache_creation_input_tokens, current_usage_tool_call_count, current_usage_cost_usd, current_usage_uncosted_usage_count,
    label_bits, labels)
SELECT id, ws, :'owner', 'Bench session ' || g, (ARRAY['gpt-4o','claude','llama'])[1 + g % 3],
    (ARRAY['coder','writer','planner','tester'])[1 + g % 4], 'User', CASE WHEN g % 2 = 0 THEN 'Workspace' ELSE 'Private' END,
    :messages, 'message 1', 1, now() - make_interval(secs => g * 129), now() - make_interval(secs => g * 129), now() - make_interval(secs => g * 129),
    :messages, 1,
    :messages, 100 * :messages / 2, 10 * :messages / 2, 0, 0, 0, 0.001 * :messages / 2, 0,
    :messages, 100 * :messages / 2, 10 * :messages / 2, 0, 0, 0, 0.001 * :messages / 2, 0,
    1::bigint << (get_byte(sha256(convert_to('team:' || (ARRAY['red','blue','green','gold'])[1 + (abs(hashtext(id::text)) % 4)], 'UTF8')), 0) & 63),
    '{"team":["' || (ARRAY['red','blue','green','gold'])[1 + (abs(hashtext(id::text)) % 4)] || '"]}'
FROM (SELECT gen_random_uuid() AS id, g, w.ws FROM generate_series(1, :sessions) g CROSS JOIN (SELECT id AS ws FROM workspaces) AS w) AS n;

-- One label each, chosen by the session's id; the row above carries it folded as the service folds
-- it (LabelBits) and as its map (ADR 0075), written with the row rather than by a second pass over
-- the table, which would leave every session row's old version behind. The map's trigger, which
-- would find every map already right, is left out of this insert.
ALTER TABLE session_labels DISABLE TRIGGER session_labels_map;
INSERT INTO session_labels (session_id, key, value, position)
SELECT s.id, 'team', (ARRAY['red','blue','green','gold'])[1 + (abs(hashtext(s.id::text)) % 4)], 0 FROM sessions s;
ALTER TABLE session_labels ENABLE TRIGGER session_labels_map;

INSERT INTO session_messages (session_id, id, seq, role, content, tool_calls, tool_call_count, created_at,
    input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, cost_usd)
SELECT s.id, gen_random_uuid(), m, CASE WHEN m % 2 = 1 THEN 'User' ELSE 'Assistant' END,
    'message ' || m || ' of a bench transcript', '[]', 0, s.created_at,
    CASE WHEN m % 2 = 0 THEN 100 END, CASE WHEN m % 2 = 0 THEN 10 END, CASE WHEN m % 2 = 0 THEN 0 END,
    CASE WHEN m % 2 = 0 THEN 0 END, CASE WHEN m % 2 = 0 THEN 0.001 END
FROM sessions s CROSS JOIN generate_series(1, :messages) m;

-- The long session: the newest of the bench workspace gets :long_messages more messages.
WITH longest AS (SELECT id FROM sessions WHERE workspace_id = :'ws' ORDER BY updated_at DESC LIMIT 1)
INSERT INTO session_messages (session_id, id, seq, role, content, tool_calls, tool_call_count, created_at)
SELECT longest.id, gen_random_uuid(), :messages + m, CASE WHEN m % 2 = 1 THEN 'User' ELSE 'Assistant' END,
    'long transcript message ' || m, '[]', 0, now()
FROM longest CROSS JOIN generate_series(1, :long_messages) m;

UPDATE sessions SET last_seq = last_seq + :long_messages, message_count = message_count + :long_messages,
    total_usage_message_count = total_usage_message_count + :long_messages,
    current_usage_message_count = current_usage_message_count + :long_messages
WHERE id = (SELECT id FROM sessions WHERE workspace_id = :'ws' ORDER BY updated_at DESC LIMIT 1);

-- The facet and total counts the service keeps for every change, in the parts of their sessions'
-- ids, as the migration computes them.
INSERT INTO session_counts (workspace_id, dimension, key, value, owner_id, shared, archived, origin, part, count)
SELECT s.workspace_id, f.dimension, f.key, f.value, s.user_id, CASE WHEN s.visibility = 'Workspace' THEN 1 ELSE 0 END,
    CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END, s.origin, get_byte(uuid_send(s.id), 15) % 8, COUNT(*)
FROM sessions AS s
CROSS JOIN LATERAL (
    VALUES ('origin', '', s.origin), ('user', '', s.user_id::text), ('model', '', s.model), ('agent', '', s.agent)
    UNION ALL SELECT DISTINCT 'label', l.key, l.value FROM session_labels AS l WHERE l.session_id = s.id
) AS f (dimension, key, value)
WHERE f.value IS NOT NULL
GROUP BY s.workspace_id, f.dimension, f.key, f.value, s.user_id, s.visibility, s.archived_at IS NULL, s.origin, get_byte(uuid_send(s.id), 15) % 8;

-- The per-day usage the service keeps with every append, as the migration computes it.
INSERT INTO session_usage_days (session_id, workspace_id, user_id, shared, archived, origin, day, message_count, input_tokens, output_tokens, cache_read_input_tokens,
    cache_creation_input_tokens, tool_call_count, cost_usd, uncosted_usage_count)
SELECT m.session_id, s.workspace_id, s.user_id, s.visibility = 'Workspace', s.archived_at IS NOT NULL, s.origin, date_trunc('day', m.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', COUNT(*), COALESCE(SUM(m.input_tokens), 0),
    COALESCE(SUM(m.output_tokens), 0), COALESCE(SUM(m.cache_read_input_tokens), 0), COALESCE(SUM(m.cache_creation_input_tokens), 0),
    SUM(m.tool_call_count), COALESCE(SUM(m.cost_usd), 0), SUM(CASE WHEN m.input_tokens IS NOT NULL AND m.cost_usd IS NULL THEN 1 ELSE 0 END)
FROM session_messages m JOIN sessions s ON s.id = m.session_id
GROUP BY m.session_id, s.workspace_id, s.user_id, s.visibility, s.archived_at, s.origin, date_trunc('day', m.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';

VACUUM ANALYZE;
