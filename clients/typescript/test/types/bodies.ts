// Compiled by types.test.mjs (tsc --noEmit, strict), never run: what a caller may write as a
// request body, and what must not compile.
import { AppendTranscriptRequest, createSessionsClient, MessageRequest } from "../../dist/index.js";

const client = createSessionsClient({ baseUrl: "http://127.0.0.1:1" });

export async function literals(id: string): Promise<void> {
  await client.createSession("demo", "default", { id, model: "gpt-4o", labels: { team: ["red"] } });
  await client.updateSession("demo", "default", id, { title: "renamed" });
  await client.appendTranscript("demo", "default", id, {
    messages: [{ role: "assistant", content: "hi", tool_calls: [{ id: "c1", name: "search", arguments: { q: "x" } }] }],
    context: { agent: "planner", model: "gpt-4o" },
  });
  await client.bulkFreezeSessions("demo", "default", { session_ids: [id] });
  await client.createGroup("demo", "default", { kind: "workflow", project_id: id });
  await client.recordItem("demo", "default", id, { item_type: "score", data: { value: 1 } });
}

export async function instances(id: string): Promise<void> {
  await client.appendTranscript("demo", "default", id, new AppendTranscriptRequest({ messages: [new MessageRequest({ role: "user", content: "hi" })] }));
}

export async function refused(id: string): Promise<void> {
  // @ts-expect-error a session's model is required
  await client.createSession("demo", "default", { id });
  // @ts-expect-error an append needs its messages
  await client.appendTranscript("demo", "default", id, {});
  // @ts-expect-error a message's role is required
  await client.appendTranscript("demo", "default", id, { messages: [{ content: "hi" }] });
  // @ts-expect-error a group's kind is one of its names
  await client.createGroup("demo", "default", { kind: "party", project_id: id });
}
