// Compiled by types.test.mjs (tsc --noEmit, strict), never run: an operation's query parameters
// by name, and the calls that must not compile (each marked @ts-expect-error, which fails the
// compilation when no error is there).
import {
  AtifTrajectory, ChatCompletionsMessage, createSessionsClient, GetUsageQuery, ListGroupedSessionsQuery, ListGroupsQuery,
  ListSessionsQuery, NativeExport, SessionFacets, SessionFilterQuery, SessionPage, SessionsClient, TrajectoryFormat,
  WorkspaceUsage,
} from "../../dist/index.js";

const client = createSessionsClient({ baseUrl: "http://127.0.0.1:1" });

export async function byName(id: string, signal: AbortSignal, filter: { label?: string[] }): Promise<void> {
  const page: SessionPage = await client.listSessions("demo", "default", { label: ["team:red"], model: ["gpt-4o"], page: 2, limit: 10 });
  await client.listSessions("demo", "default", {});
  await client.listSessions("demo", "default");
  await client.listSessions("demo", "default", { ...filter, sort_by: "created_at", sort_dir: "asc" }, signal);
  const usage: WorkspaceUsage = await client.getUsage("demo", "default", { group_by: "model", from: "2026-01-01T00:00:00Z" });
  await client.getTranscript("demo", "default", id, { after_seq: 10, include_compacted: true });
  await client.searchMessages("demo", "default", id, { q: "hello", limit: 5 });
  await client.ifMatch('"3"').listItems("demo", "default", id, { limit: 5 });
  const query: ListSessionsQuery = { archived: "any", include_workload_sessions: true };
  await client.listSessions("demo", "default", query);
  void page;
  void usage;
}

export async function oneFilter(): Promise<void> {
  // One object of filters, as a frontend keeps its filter bar's state, for the list, its facets and the usage.
  const filters: SessionFilterQuery = { label: ["team:red"], origin: ["user", "eval"], archived: "any", search: "refund" };
  const page: SessionPage = await client.listSessions("demo", "default", { ...filters, sort_by: "created_at", page: 2 });
  const facets: SessionFacets = await client.getSessionFacets("demo", "default", filters);
  const usage: WorkspaceUsage = await client.getUsage("demo", "default", { ...filters, group_by: "model" });
  await client.listGroups("demo", "default", { ...filters, status: ["running"] });
  await client.listGroupedSessions("demo", "default", { ...filters, sessions_per_group: 5 });
  // Each of them takes every filter, as the facets type it (a spread alone would not tell a filter missing).
  const listed: Pick<ListSessionsQuery, keyof SessionFilterQuery> = filters;
  const grouped: Pick<ListGroupsQuery, keyof SessionFilterQuery> = filters;
  const bucketed: Pick<ListGroupedSessionsQuery, keyof SessionFilterQuery> = filters;
  const counted: Pick<GetUsageQuery, keyof SessionFilterQuery> = filters;
  void page;
  void facets;
  void usage;
  void [listed, grouped, bucketed, counted];
}

export async function inOrder(id: string): Promise<void> {
  await client.listSessions("demo", "default", "created_at", "desc", 1, 50, undefined, undefined, undefined, ["lister"]);
  await client.getUsage("demo", "default", "model");
  await client.getTranscript("demo", "default", id, 10);
  // The client is still the generated class where one is expected.
  const generated: SessionsClient = client;
  void generated;
}

export async function exports(id: string, format: TrajectoryFormat): Promise<void> {
  const atif: AtifTrajectory = await client.exportTrajectory("demo", "default", id);
  const compacted: AtifTrajectory = await client.exportTrajectory("demo", "default", id, { include_compacted: true });
  const steps: number = atif.steps.filter((step) => step.source === "agent").length + compacted.final_metrics.total_steps;
  const messages: ChatCompletionsMessage[] = await client.exportTrajectory("demo", "default", id, { format: "openai", download: true });
  for (const message of messages) {
    if (message.role === "tool") {
      const callId: string | null = message.tool_call_id;
      void callId;
    } else if (message.role === "assistant") {
      const name: string | undefined = message.tool_calls?.[0]?.function.name;
      void name;
    }
  }
  const native: NativeExport = await client.exportTrajectory("demo", "default", id, { format: "native" });
  const seq: number | undefined = native.messages[0]?.seq;
  // A format known only when the call runs answers any of the three.
  const either: AtifTrajectory | ChatCompletionsMessage[] | NativeExport = await client.exportTrajectory("demo", "default", id, { format });
  void steps;
  void seq;
  void either;
}

export async function refused(id: string): Promise<void> {
  // @ts-expect-error an openai export is a list of messages, no ATIF document
  const wrong: AtifTrajectory = await client.exportTrajectory("demo", "default", id, { format: "openai" });
  // @ts-expect-error an ATIF step's source is system, user or agent
  if ((await client.exportTrajectory("demo", "default", id)).steps[0]?.source === "assistant") void wrong;
  // @ts-expect-error a name the operation does not have
  await client.listSessions("demo", "default", { lable: ["team:red"] });
  // @ts-expect-error a page is a number
  await client.listSessions("demo", "default", { page: "2" });
  // @ts-expect-error a list filter is a list
  await client.listSessions("demo", "default", { model: "gpt-4o" });
  // @ts-expect-error usage needs its group_by
  await client.getUsage("demo", "default", { from: "2026-01-01T00:00:00Z" });
  // @ts-expect-error usage needs its query
  await client.getUsage("demo", "default");
  // @ts-expect-error a search needs its q
  await client.searchMessages("demo", "default", id, { limit: 5 });
  // @ts-expect-error a sort is one of the sortable fields
  await client.listSessions("demo", "default", { sort_by: "title" });
  // @ts-expect-error the facets take the filters only, no page
  await client.getSessionFacets("demo", "default", { label: ["team:red"], page: 2 });
  // @ts-expect-error an origin is user, eval or worker
  const unknownOrigin: SessionFilterQuery = { origin: ["robot"] };
  void unknownOrigin;
}
