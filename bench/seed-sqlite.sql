-- Bench data for SQLite (the same shape as seed.sql for PostgreSQL): :sessions sessions in the bench
-- workspace, half shared, one label each, :messages messages each, and one long session. Values
-- are written as EF Core writes them: GUIDs as uppercase text, times as 'YYYY-MM-DD HH:MM:SS.fff'
-- without trailing zeros (EF Core's '.FFFFFFF'; a session's created_at is compared as text).
-- Parameters come from the shell as a temporary table `bench(ws, owner, sessions, messages, long_messages)`,
-- and the bit of each label it seeds as `label_bit(key, value, bit)`.
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE seq(n INTEGER PRIMARY KEY);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < (SELECT max(sessions, long_messages) FROM bench))
INSERT INTO seq SELECT n FROM g;

INSERT INTO sessions (id, workspace_id, user_id, title, model, agent, origin, visibility, message_count,
    preview_text, preview_seq, created_at, updated_at, last_message_at, last_seq, version,
    total_usage_message_count, total_usage_input_tokens, total_usage_output_tokens, total_usage_cache_read_input_tokens,
    total_usage_cache_creation_input_tokens, total_usage_tool_call_count, total_usage_cost_usd, total_usage_uncosted_usage_count,
    current_usage_message_count, current_usage_input_tokens, current_usage_output_tokens, current_usage_cache_read_input_tokens,
    current_usage_cache_creation_input_tokens, current_usage_tool_call_count, current_usage_cost_usd, current_usage_uncosted_usage_count)
SELECT upper(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12)),
    b.ws, b.owner, 'Bench session ' || n, CASE n % 3 WHEN 0 THEN 'gpt-4o' WHEN 1 THEN 'claude' ELSE 'llama' END,
    CASE n % 4 WHEN 0 THEN 'coder' WHEN 1 THEN 'writer' WHEN 2 THEN 'planner' ELSE 'tester' END, 'User',
    CASE WHEN n % 2 = 0 THEN 'Workspace' ELSE 'Private' END, b.messages, 'message 1', 1,
    rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || n || ' seconds'), '0'), '.'), rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || n || ' seconds'), '0'), '.'),
    rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || n || ' seconds'), '0'), '.'), b.messages, 1,
    b.messages, 100 * b.messages / 2, 10 * b.messages / 2, 0, 0, 0, '0.005', 0,
    b.messages, 100 * b.messages / 2, 10 * b.messages / 2, 0, 0, 0, '0.005', 0
FROM (SELECT n, lower(hex(randomblob(16))) AS h FROM seq) s CROSS JOIN bench b WHERE n <= b.sessions;

INSERT INTO session_labels (session_id, key, value, position)
SELECT id, 'team', CASE abs(random()) % 4 WHEN 0 THEN 'red' WHEN 1 THEN 'blue' WHEN 2 THEN 'green' ELSE 'gold' END, 0 FROM sessions;

-- Each session's folded labels, as the service writes them (LabelBits): SQLite has no SHA-256, so
-- the shell passes each seeded label's bit in `label_bit(key, value, bit)` (one label a session, so the
-- sum is the bits' OR). And its label map (ADR 0075).
UPDATE sessions SET label_bits = COALESCE((SELECT sum(b.bit) FROM session_labels l JOIN label_bit b ON b.key = l.key AND b.value = l.value
    WHERE l.session_id = sessions.id), 0),
    labels = COALESCE((SELECT json_group_object(l.key, json_array(l.value)) FROM session_labels l WHERE l.session_id = sessions.id), '{}');

INSERT INTO session_messages (session_id, id, seq, role, content, tool_calls, tool_call_count, created_at,
    input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, cost_usd)
SELECT s.id, upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-A' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    m.n, CASE WHEN m.n % 2 = 1 THEN 'User' ELSE 'Assistant' END, 'message ' || m.n || ' of a bench transcript', '[]', 0, s.created_at,
    CASE WHEN m.n % 2 = 0 THEN 100 END, CASE WHEN m.n % 2 = 0 THEN 10 END, CASE WHEN m.n % 2 = 0 THEN 0 END,
    CASE WHEN m.n % 2 = 0 THEN 0 END, CASE WHEN m.n % 2 = 0 THEN '0.001' END
FROM sessions s CROSS JOIN seq m WHERE m.n <= (SELECT messages FROM bench);

-- The long session: the newest gets :long_messages more messages.
INSERT INTO session_messages (session_id, id, seq, role, content, tool_calls, tool_call_count, created_at)
SELECT (SELECT id FROM sessions ORDER BY updated_at DESC LIMIT 1),
    upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-A' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    (SELECT messages FROM bench) + n, CASE WHEN n % 2 = 1 THEN 'User' ELSE 'Assistant' END, 'long transcript message ' || n, '[]', 0,
    rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.')
FROM seq WHERE n <= (SELECT long_messages FROM bench);

UPDATE sessions SET last_seq = last_seq + (SELECT long_messages FROM bench), message_count = message_count + (SELECT long_messages FROM bench),
    total_usage_message_count = total_usage_message_count + (SELECT long_messages FROM bench),
    current_usage_message_count = current_usage_message_count + (SELECT long_messages FROM bench)
WHERE id = (SELECT id FROM sessions ORDER BY updated_at DESC LIMIT 1);

-- The facet and total counts the service keeps for every change: one part each on SQLite (ADR 0086).
INSERT INTO session_counts (workspace_id, owner_id, shared, archived, origin, dimension, key, value, part, count)
SELECT workspace_id, owner_id, shared, archived, origin, dimension, key, value, 0, COUNT(*) FROM (
    SELECT workspace_id, user_id AS owner_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END AS shared, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived, origin, 'origin' AS dimension, '' AS key, origin AS value FROM sessions
    UNION ALL SELECT workspace_id, user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, origin, 'user', '', lower(user_id) FROM sessions
    UNION ALL SELECT workspace_id, user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, origin, 'model', '', model FROM sessions
    UNION ALL SELECT workspace_id, user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, origin, 'agent', '', agent FROM sessions WHERE agent IS NOT NULL
    UNION ALL SELECT s.workspace_id, s.user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, s.origin, 'label', l.key, l.value FROM session_labels l JOIN sessions s ON s.id = l.session_id
) AS footprint
GROUP BY workspace_id, owner_id, shared, archived, origin, dimension, key, value;

-- The per-day usage the service keeps with every append (costs summed as the decimal text SQLite keeps).
INSERT INTO session_usage_days (session_id, workspace_id, user_id, shared, archived, origin, day, message_count, input_tokens, output_tokens, cache_read_input_tokens,
    cache_creation_input_tokens, tool_call_count, cost_usd, uncosted_usage_count)
SELECT m.session_id, s.workspace_id, s.user_id, s.visibility = 'Workspace', s.archived_at IS NOT NULL, s.origin, substr(m.created_at, 1, 10) || ' 00:00:00', COUNT(*), COALESCE(SUM(m.input_tokens), 0),
    COALESCE(SUM(m.output_tokens), 0), COALESCE(SUM(m.cache_read_input_tokens), 0), COALESCE(SUM(m.cache_creation_input_tokens), 0),
    SUM(m.tool_call_count), printf('%.10f', COALESCE(SUM(m.cost_usd), 0)), SUM(CASE WHEN m.input_tokens IS NOT NULL AND m.cost_usd IS NULL THEN 1 ELSE 0 END)
FROM session_messages m JOIN sessions s ON s.id = m.session_id
GROUP BY m.session_id, s.workspace_id, s.user_id, s.visibility, s.archived_at, s.origin, substr(m.created_at, 1, 10) || ' 00:00:00';
COMMIT;
ANALYZE;
