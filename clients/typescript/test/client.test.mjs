// End-to-end: the built service on a fresh SQLite file, driven only through the generated client.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ApiException, createSessionsClient, CreateSessionRequest, ErrorEnvelope, isErrorEnvelope } from "../dist/index.js";
import { devToken, startService } from "./service.mjs";

const org = "demo";
const ws = "default";
let service;
let owner;
let client;

before(async () => {
  service = await startService({ Compatibility__MinimumClientVersion: "1.0.0" });
  owner = await devToken(service.baseUrl, { email: `owner-${randomUUID()}@example.com` });
  client = createSessionsClient({ baseUrl: service.baseUrl, token: owner.access_token, clientVersion: "1.2.0" });
});

after(async () => {
  await service?.stop();
});

/** Awaits a call that must fail, and answers the typed envelope it failed with. */
async function rejection(call) {
  try {
    await call;
  } catch (error) {
    assert.ok(isErrorEnvelope(error), `expected an ErrorEnvelope, got ${error}`);
    assert.ok(error instanceof ErrorEnvelope);
    assert.equal(typeof error.detail, "string");
    // An Error, as code that shows error.message and error trackers expect; its JSON the envelope's alone.
    assert.ok(error instanceof Error);
    assert.equal(error.name, "ErrorEnvelope");
    assert.equal(error.message, error.detail);
    assert.equal(String(error), `ErrorEnvelope: ${error.detail}`);
    assert.equal(typeof error.stack, "string");
    assert.ok(!Object.keys(error).includes("message") && !Object.keys(error).includes("name"));
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(error))).sort(), [...(error.errors ? ["errors"] : []), "code", "detail", "type"].sort());
    return error;
  }
  assert.fail("the call succeeded");
}

/** Awaits a call that must fail without the service's envelope, and answers the ApiException it failed with. */
async function failure(call) {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ApiException, `expected an ApiException, got ${error}`);
    assert.ok(!isErrorEnvelope(error));
    return error;
  }
  assert.fail("the call succeeded");
}

describe("sessions", () => {
  test("create, get by id and prefix, freeze by id and prefix, refreeze keeps frozen_at", async () => {
    const id = randomUUID();
    const created = await client.createSession(org, ws, { id, model: "gpt-4o", title: "e2e", labels: { team: ["red"] } });
    assert.equal(created.id, id);
    assert.equal(created.user_id, owner.user_id);
    assert.equal(created.frozen_at, null);

    assert.equal((await client.getSession(org, ws, id.slice(0, 8))).title, "e2e");
    const frozen = await client.freezeSession(org, ws, id.slice(0, 8));
    assert.equal(frozen.frozen_by, "user");
    const again = await client.freezeSession(org, ws, id);
    assert.equal(again.frozen_at, frozen.frozen_at);
  });

  test("list, facets, update with If-Match, archive, pin, delete", async () => {
    // The headers the generated methods do not return are read through onResponse.
    const seen = [];
    const watched = createSessionsClient({
      baseUrl: service.baseUrl,
      token: owner.access_token,
      clientVersion: "1.2.0",
      onResponse: (response, request) => seen.push({ method: request.method, status: response.status, headers: response.headers }),
    });
    const id = randomUUID();
    await watched.createSession(org, ws, { id, model: "claude", agent: "lister", labels: { env: ["e2e"] } });
    const created = seen.at(-1);
    assert.equal(created.method, "POST");
    assert.equal(created.status, 201);
    assert.ok(created.headers.get("Location").endsWith(`/sessions/${id}`));
    const etag = created.headers.get("ETag");
    assert.match(etag, /^"/);

    const page = await client.listSessions(org, ws, "created_at", "desc", 1, 50, undefined, undefined, undefined, ["lister"]);
    assert.deepEqual(page.sessions.map((s) => s.id), [id]);
    assert.equal(page.total, 1);
    const facets = await client.getSessionFacets(org, ws, undefined, undefined, undefined, ["lister"]);
    assert.deepEqual(facets.labels.env.map((f) => [f.value, f.count]), [["e2e", 1]]);

    const renamed = await watched.updateSession(org, ws, id, { title: "renamed", visibility: "workspace" }, etag);
    assert.equal(renamed.title, "renamed");
    assert.equal(renamed.shared_by?.id, owner.user_id);
    assert.notEqual(seen.at(-1).headers.get("ETag"), etag);
    const stale = await rejection(watched.updateSession(org, ws, id, { title: "lost" }, etag));
    assert.equal(stale.code, 412);
    assert.equal(stale.type, "precondition_failed");
    const demotion = await rejection(client.updateSession(org, ws, id, { visibility: "private" }));
    assert.equal(demotion.type, "conflict");

    // Any change made conditional through ifMatch: refused at a stale version, made at the current one.
    const staleArchive = await rejection(watched.ifMatch(etag).archiveSession(org, ws, id));
    assert.equal(staleArchive.type, "precondition_failed");
    assert.equal((await client.getSession(org, ws, id)).archived_at, null);
    await watched.getSession(org, ws, id);
    const current = seen.at(-1).headers.get("ETag");
    const conditional = watched.ifMatch(current);
    assert.equal((await conditional.getSession(org, ws, id)).id, id);
    assert.notEqual((await conditional.archiveSession(org, ws, id)).archived_at, null);
    assert.equal((await rejection(conditional.appendTranscript(org, ws, id, { messages: [{ role: "user", content: "late" }] }))).code, 412);
    assert.equal((await rejection(watched.ifMatch(current).updateSession(org, ws, id, { title: "lost" }))).code, 412);

    assert.notEqual((await client.archiveSession(org, ws, id)).archived_at, null);
    assert.equal((await client.unarchiveSession(org, ws, id)).archived_at, null);
    assert.notEqual((await client.pinSession(org, ws, id)).pinned_at, null);
    assert.equal((await client.unpinSession(org, ws, id)).pinned_at, null);
    await client.deleteSession(org, ws, id);
    assert.equal((await rejection(client.getSession(org, ws, id))).code, 404);
  });

  test("bulk actions report per id", async () => {
    const a = randomUUID();
    const b = randomUUID();
    const unknown = randomUUID();
    await client.createSession(org, ws, { id: a, model: "m" });
    await client.createSession(org, ws, { id: b, model: "m" });

    const frozen = await client.bulkFreezeSessions(org, ws, { session_ids: [a, a, unknown] });
    assert.deepEqual(frozen.frozen, [a]);
    assert.deepEqual(frozen.failed.map((f) => [f.id, f.code, f.type]), [[unknown, 404, "not_found"]]);
    assert.deepEqual((await client.bulkShareSessions(org, ws, { session_ids: [b] })).shared, [b]);
    assert.deepEqual((await client.bulkDeleteSessions(org, ws, { session_ids: [b] })).deleted, [b]);
    assert.equal((await rejection(client.bulkFreezeSessions(org, ws, { session_ids: [] }))).code, 422);
  });
});

describe("transcripts", () => {
  test("a label or metadata key named __proto__ or hasOwnProperty is kept both ways", async () => {
    // A valid label key; a plain assignment of it in the generated code would set a prototype.
    const id = randomUUID();
    const labels = JSON.parse('{"__proto__":["x"],"team":["red"]}');
    const request = CreateSessionRequest.fromJS({ id, model: "m", labels });
    assert.deepEqual(Object.keys(request.toJSON().labels).sort(), ["__proto__", "team"]);

    const created = await client.createSession(org, ws, request);
    assert.deepEqual(Object.keys(created.labels).sort(), ["__proto__", "team"]);
    assert.deepEqual(created.labels["__proto__"], ["x"]);
    assert.equal(Object.getPrototypeOf(created.labels), Object.prototype);
    const read = await client.getSession(org, ws, id);
    assert.ok(Object.prototype.hasOwnProperty.call(read.labels, "__proto__"));

    const appended = await client.appendTranscript(org, ws, id, { messages: [{ role: "user", content: "q", metadata: JSON.parse('{"__proto__":{"a":1}}') }] });
    assert.deepEqual(Object.keys(appended.messages[0].metadata), ["__proto__"]);
    assert.deepEqual(appended.messages[0].metadata["__proto__"], { a: 1 });

    // A key named hasOwnProperty: the generated code asked the map itself, which then throws.
    const odd = await client.appendTranscript(org, ws, id, { messages: [{ role: "user", content: "r", metadata: { hasOwnProperty: 1, keep: 2 } }] });
    assert.deepEqual({ ...odd.messages[0].metadata }, { hasOwnProperty: 1, keep: 2 });
  });

  test("append, read, compact, search, rewind, usage", async () => {
    const id = randomUUID();
    await client.createSession(org, ws, { id, model: "m" });
    const appended = await client.appendTranscript(org, ws, id, {
      context: { model: "gpt-4o", agent: "e2e" },
      messages: [
        { role: "user", content: "What is six times seven?" },
        { role: "assistant", content: "42", usage: { input_tokens: 100, output_tokens: 2, cost_usd: 0.01 } },
        { role: "user", content: "And six times eight?" },
        { role: "assistant", content: "48", usage: { input_tokens: 120, output_tokens: 2, cost_usd: 0.02 } },
      ],
    });
    assert.deepEqual(appended.messages.map((m) => m.seq), [1, 2, 3, 4]);

    const page = await client.getTranscript(org, ws, id, 0, 2);
    assert.deepEqual(page.messages.map((m) => m.seq), [1, 2]);
    assert.equal(page.has_more, true);
    assert.equal(page.next_after_seq, 2);

    const matches = await client.searchMessages(org, ws, id, "SIX TIMES");
    assert.equal(matches.total, 2);

    const compacted = await client.compactTranscript(org, ws, id, { summary: { role: "system", content: "6x7=42" }, up_to_seq: 2 });
    assert.equal(compacted.usage.total_input_tokens, 220);
    assert.equal(compacted.usage.current_input_tokens, 120);
    assert.equal(compacted.usage.current_message_count, 3);

    const rewound = await client.rewindSession(org, ws, id, { from_seq: 3 });
    assert.deepEqual({ ...rewound }, { deleted_count: 3, target_seq: 3, restored_content: "And six times eight?" });
    const session = await client.getSession(org, ws, id);
    assert.equal(session.usage.total_input_tokens, 100);
    assert.equal(session.usage.total_cost_usd, 0.01);
    assert.equal(session.usage.last_generation_input_tokens, 100);

    await client.freezeSession(org, ws, id);
    const frozen = await rejection(client.appendTranscript(org, ws, id, { messages: [{ role: "user", content: "x" }] }));
    assert.equal(frozen.code, 409);
    assert.equal(frozen.type, "session_frozen");
  });
});

describe("administration", () => {
  test("a platform admin creates an organization, a workspace and a member", async () => {
    const admin = await devToken(service.baseUrl, { email: `admin-${randomUUID()}@example.com`, scopes: ["admin"] });
    const adminClient = createSessionsClient({ baseUrl: service.baseUrl, token: admin.access_token });
    const slug = `org-${randomUUID().slice(0, 8)}`;
    assert.equal((await adminClient.createOrganization({ slug, name: "E2E" })).slug, slug);
    assert.equal((await adminClient.createWorkspace(slug, { slug: "lab" })).slug, "lab");
    const member = await adminClient.putMember(slug, "lab", owner.user_id, { role: "admin" });
    assert.equal(member.role, "admin");
    const members = await client.listMembers(slug, "lab");
    assert.deepEqual(members.members.map((m) => m.user.id), [owner.user_id]);

    const guest = randomUUID();
    assert.equal((await client.putMember(slug, "lab", guest, { role: "viewer" })).user.email, null);
    await client.removeMember(slug, "lab", guest);
    assert.deepEqual((await client.listMembers(slug, "lab")).members.map((m) => m.user.id), [owner.user_id]);
    const lastAdmin = await rejection(client.removeMember(slug, "lab", owner.user_id));
    assert.deepEqual([lastAdmin.code, lastAdmin.type], [409, "conflict"]);
  });
});

describe("typed errors", () => {
  test("401 without a token", async () => {
    const anonymous = createSessionsClient({ baseUrl: service.baseUrl });
    const error = await rejection(anonymous.getSession(org, ws, randomUUID()));
    assert.deepEqual([error.code, error.type], [401, "authentication_error"]);
  });

  test("403 for a read-only token, 404 for an unknown session, 409 for a taken id, 422 with loc", async () => {
    const reader = await devToken(service.baseUrl, { email: `reader-${randomUUID()}@example.com`, scopes: ["sessions:read"] });
    const readOnly = createSessionsClient({ baseUrl: service.baseUrl, token: () => reader.access_token });
    const forbidden = await rejection(readOnly.createSession(org, ws, { id: randomUUID(), model: "m" }));
    assert.deepEqual([forbidden.code, forbidden.type], [403, "permission_denied"]);

    const missing = await rejection(client.getSession(org, ws, randomUUID()));
    assert.deepEqual([missing.code, missing.type], [404, "not_found"]);

    const id = randomUUID();
    await client.createSession(org, ws, { id, model: "m" });
    const taken = await rejection(client.createSession(org, ws, { id, model: "m" }));
    assert.deepEqual([taken.code, taken.type], [409, "already_exists"]);

    const invalid = await rejection(client.freezeSession(org, ws, "abc"));
    assert.deepEqual([invalid.code, invalid.type], [422, "validation_error"]);
    assert.deepEqual(invalid.errors?.[0].loc, ["path", "session_id"]);
  });

  test("an error answer without the envelope rejects with an ApiException carrying status and body", async () => {
    // Kestrel refuses a NUL in the path before the service sees the request, with an empty body.
    const empty = await failure(client.getSession(org, ws, "abcd\u0000"));
    assert.deepEqual([empty.status, empty.response], [400, ""]);

    const proxied = (status, body, type) =>
      createSessionsClient({ baseUrl: service.baseUrl, fetch: async () => new Response(body, { status, headers: { "content-type": type } }) });
    const html = await failure(proxied(502, "<html><body>Bad gateway</body></html>", "text/html").getSession(org, ws, randomUUID()));
    assert.deepEqual([html.status, html.response, html.headers["content-type"]], [502, "<html><body>Bad gateway</body></html>", "text/html"]);
    const foreign = await failure(proxied(504, '{"message":"upstream timed out"}', "application/json").getSession(org, ws, randomUUID()));
    assert.deepEqual([foreign.status, foreign.result], [504, { message: "upstream timed out" }]);

    const envelope = await rejection(
      proxied(404, '{"code":404,"detail":"Session not found","type":"not_found"}', "application/json").getSession(org, ws, randomUUID()));
    assert.deepEqual([envelope.code, envelope.type], [404, "not_found"]);
    // A status the document declares for no operation (a body sent too slowly) is still the envelope.
    const undeclared = await rejection(
      proxied(408, '{"code":408,"detail":"The request body arrived too slowly.","type":"request_timeout"}', "application/json")
        .appendTranscript(org, ws, randomUUID(), { messages: [{ role: "user", content: "hi" }] }));
    assert.deepEqual([undeclared.code, undeclared.type, undeclared.detail], [408, "request_timeout", "The request body arrived too slowly."]);
  });

  test("426 for a client older than the minimum version", async () => {
    const old = createSessionsClient({ baseUrl: service.baseUrl, token: owner.access_token, clientVersion: "0.9.0" });
    const error = await rejection(old.getSession(org, ws, randomUUID()));
    assert.deepEqual([error.code, error.type], [426, "upgrade_required"]);
    assert.match(error.detail, /1\.0\.0/);
  });
});

describe("groups, items and trajectory export", () => {
  test("a group gathers a session; items are recorded once per dedupe key; the transcript exports as ATIF", async () => {
    const group = await client.createGroup(org, ws, { kind: "workflow", project_id: randomUUID(), title: "e2e run", metadata: { seed: 1 } });
    assert.equal(group.status, "running");
    const id = randomUUID();
    await client.createSession(org, ws, { id, model: "gpt-4o", group_id: group.id });
    await client.appendTranscript(org, ws, id, { messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello", usage: { input_tokens: 7, output_tokens: 2, cost_usd: 0.01 } },
    ] });

    const detail = await client.getGroup(org, ws, group.id);
    assert.deepEqual(detail.sessions.map((s) => s.id), [id]);
    assert.equal(detail.group.usage.total_input_tokens, 7);
    const finished = await client.updateGroup(org, ws, group.id, { status: "completed" });
    assert.notEqual(finished.completed_at, null);
    const reopened = await rejection(client.updateGroup(org, ws, group.id, { status: "running" }));
    assert.deepEqual([reopened.code, reopened.type], [409, "conflict"]);
    const listed = await client.listGroups(org, ws, ["completed"]);
    assert.ok(listed.groups.some((g) => g.id === group.id));
    const grouped = await client.listGroupedSessions(org, ws, 1, 100, 5);
    assert.deepEqual(grouped.groups.find((b) => b.group?.id === group.id)?.sessions.map((s) => s.id), [id]);

    const item = await client.recordItem(org, ws, id, { item_type: "finding", data: { severity: "high" }, dedupe_key: "f1" });
    const again = await client.recordItem(org, ws, id, { item_type: "finding", data: { severity: "low" }, dedupe_key: "f1" });
    assert.equal(again.id, item.id);
    assert.deepEqual((await client.listItems(org, ws, id)).map((i) => i.id), [item.id]);

    const atif = await client.exportTrajectory(org, ws, id, "atif");
    assert.equal(atif.schema_version, "ATIF-v1.7");
    assert.deepEqual(atif.steps.map((s) => s.source), ["user", "agent"]);
    assert.equal(atif.final_metrics.total_prompt_tokens, 7);
  });
});

describe("query parameters by name", () => {
  test("each operation with a query takes it as one object, answering what the same query in order answers", async () => {
    const agent = `by-name-${randomUUID()}`;
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    await client.createSession(org, ws, { id: first, model: "m-a", agent, labels: { team: ["red"] } });
    await client.createSession(org, ws, { id: second, model: "m-b", agent, labels: { team: ["red"] } });
    await client.createSession(org, ws, { id: third, model: "m-a", agent, labels: { team: ["blue"] } });

    const byName = await client.listSessions(org, ws, { agent: [agent], label: ["team:red"], sort_by: "created_at", sort_dir: "asc" });
    assert.deepEqual(byName.sessions.map((s) => s.id), [first, second]);
    const inOrder = await client.listSessions(org, ws, "created_at", "asc", undefined, undefined, undefined, undefined, undefined, [agent], undefined, undefined, ["team:red"]);
    assert.deepEqual(inOrder.sessions.map((s) => s.id), [first, second]);
    const secondPage = await client.listSessions(org, ws, { agent: [agent], sort_by: "created_at", sort_dir: "desc", page: 2, limit: 1 });
    assert.deepEqual([secondPage.sessions.map((s) => s.id), secondPage.total], [[second], 3]);
    const facets = await client.getSessionFacets(org, ws, { agent: [agent], model: ["m-a"] });
    assert.deepEqual(facets.labels.team.map((f) => [f.value, f.count]).sort(), [["blue", 1], ["red", 1]]);

    await client.appendTranscript(org, ws, first, { messages: [
      { role: "user", content: "one" },
      { role: "assistant", content: "two", usage: { input_tokens: 3, output_tokens: 1 } },
      { role: "user", content: "three" },
    ] });
    const transcript = await client.getTranscript(org, ws, first, { after_seq: 1, limit: 1 });
    assert.deepEqual(transcript.messages.map((m) => m.content), ["two"]);
    const found = await client.searchMessages(org, ws, first, { q: "thr" });
    assert.deepEqual(found.matches.map((m) => m.content), ["three"]);
    const usage = await client.getUsage(org, ws, { group_by: "model", agent: [agent] });
    assert.deepEqual(usage.buckets.map((b) => [b.key, b.session_count, b.input_tokens]).sort(), [["m-a", 2, 3], ["m-b", 1, 0]]);
    const trail = await client.listSessionEvents(org, ws, first, { limit: 1 });
    assert.deepEqual([trail.events.map((e) => e.type), trail.has_more], [["SessionCreated"], true]);
    const rest = await client.listSessionEvents(org, ws, first, { after_id: trail.events[0].id });
    assert.deepEqual(rest.events.map((e) => e.type), ["TranscriptAppended"]);
  });

  test("an export asked for by name answers the shape its format declares (src/exports.ts), key for key", async () => {
    const id = randomUUID();
    await client.createSession(org, ws, { id, model: "m-x", agent: "exporter" });
    await client.appendTranscript(org, ws, id, {
      context: { model: "m-x", agent: "exporter", system_prompt: "Be brief." },
      messages: [
        { role: "user", content: "look it up" },
        { role: "assistant", content: "", tool_calls: [{ id: "c1", name: "search", arguments: { q: "x" } }], usage: { input_tokens: 5, output_tokens: 2, cost_usd: 0.25 } },
        { role: "tool", tool_call_id: "c1", content: "found" },
        { role: "assistant", content: "done" },
      ],
    });
    const keys = (value) => Object.keys(value).sort();

    const atif = await client.exportTrajectory(org, ws, id, { include_compacted: false });
    assert.deepEqual(keys(atif), ["agent", "final_metrics", "schema_version", "session_id", "steps"]);
    assert.deepEqual(keys(atif.agent), ["model_name", "name", "version"]);
    assert.deepEqual(atif.steps.map((step) => [step.step_id, step.source]), [[1, "system"], [2, "user"], [3, "agent"], [4, "agent"]]);
    const optional = ["model_name", "tool_calls", "observation", "metrics", "extra"];
    for (const step of atif.steps) {
      assert.deepEqual(keys(step).filter((key) => !optional.includes(key)), ["message", "source", "step_id", "timestamp"]);
    }
    const called = atif.steps[2];
    assert.deepEqual(called.tool_calls, [{ tool_call_id: "c1", function_name: "search", arguments: { q: "x" } }]);
    assert.deepEqual(called.observation, { results: [{ source_call_id: "c1", content: "found" }] });
    assert.deepEqual(called.metrics, { prompt_tokens: 5, completion_tokens: 2, cached_tokens: 0, cost_usd: 0.25, extra: { cache_creation_input_tokens: 0 } });
    assert.deepEqual(keys(atif.final_metrics), ["total_cached_tokens", "total_completion_tokens", "total_cost_usd", "total_prompt_tokens", "total_steps"]);

    const openai = await client.exportTrajectory(org, ws, id, { format: "openai" });
    assert.deepEqual(openai, [
      { role: "system", content: "Be brief." },
      { role: "user", content: "look it up" },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "search", arguments: '{"q":"x"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "found" },
      { role: "assistant", content: "done" },
    ]);

    const native = await client.exportTrajectory(org, ws, id, { format: "native", download: true });
    assert.deepEqual(keys(native), ["events", "format", "messages", "session", "version"]);
    assert.deepEqual([native.format, native.version, native.session.id, native.messages.map((m) => m.seq)], ["native", 1, id, [1, 2, 3, 4]]);
    assert.deepEqual(native.events.map((event) => [event.type, keys(event)]), ["SessionCreated", "SessionUpdated", "TranscriptAppended"].map((type) => [type, ["data", "occurred_at", "type"]]));
  });

  test("a name the operation does not have rejects with a TypeError and sends nothing; a signal follows the object", async () => {
    const sent = [];
    const watched = createSessionsClient({ baseUrl: service.baseUrl, token: owner.access_token, onResponse: (response) => sent.push(response.status) });
    await assert.rejects(watched.listSessions(org, ws, { lable: ["team:red"], page: 1 }), (error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^listSessions has no query parameter lable; it has sort_by, sort_dir, page, /);
      return true;
    });
    await assert.rejects(watched.ifMatch('"1"').getTranscript(org, ws, randomUUID(), { afterSeq: 1 }), TypeError);
    assert.deepEqual(sent, []);

    await assert.rejects(watched.listSessions(org, ws, { page: 1 }, AbortSignal.abort()), (error) => error.name === "AbortError");
    assert.deepEqual(sent, []);
    await watched.listSessions(org, ws, { page: 1 }, new AbortController().signal);
    assert.deepEqual(sent, [200]);
  });
});

describe("usage and audit trail", () => {
  test("usage by model counts what was appended; the trail lists each change with its actor", async () => {
    const id = randomUUID();
    const model = `e2e-${randomUUID()}`;
    await client.createSession(org, ws, { id, model });
    await client.appendTranscript(org, ws, id, { messages: [
      { role: "assistant", content: "spent", usage: { input_tokens: 40, output_tokens: 4, cost_usd: 0.5 } },
    ] });
    await client.pinSession(org, ws, id);

    const usage = await client.getUsage(org, ws, { group_by: "model", model: [model] });
    assert.equal(usage.group_by, "model");
    assert.deepEqual(usage.buckets.map((b) => [b.key, b.session_count, b.input_tokens, b.cost_usd]), [[model, 1, 40, 0.5]]);
    const bad = await rejection(client.getUsage(org, ws, "cost"));
    assert.deepEqual(bad.errors?.[0].loc, ["query", "group_by"]);

    const trail = await client.listSessionEvents(org, ws, id);
    assert.deepEqual(trail.events.map((e) => e.type), ["SessionCreated", "TranscriptAppended", "SessionPinned"]);
    assert.ok(trail.events.every((e) => e.actor?.id === owner.user_id));
    const rest = await client.listSessionEvents(org, ws, id, trail.events[0].id, 1);
    assert.deepEqual([rest.events[0].type, rest.has_more], ["TranscriptAppended", true]);
  });
});

describe("logs", () => {
  test("one JSON line per request with route template, status, principal and correlation id", async () => {
    const id = randomUUID();
    await client.createSession(org, ws, { id, model: "m" });
    const line = service.logs.find((entry) => entry.State?.Route === "api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions" && entry.State?.Method === "POST" && entry.State?.StatusCode === 201);
    assert.ok(line, "no request line for the create");
    assert.equal(line.State.PrincipalId, owner.user_id);
    assert.equal(typeof line.State.CorrelationId, "string");
    assert.equal(typeof line.State.ElapsedMs, "number");
    const command = service.logs.find((entry) => entry.State?.MessageName === "CreateSessionCommand");
    assert.ok(command, "no command line");
    assert.ok(JSON.stringify(command.Scopes).includes(owner.user_id), "the command line lacks the principal");
  });
});
