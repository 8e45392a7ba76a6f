// The shapes of a trajectory export (CONTRACT 5.6), one per format. The OpenAPI document gives the
// export's 200 no schema (its shape depends on `format`), so the generated `exportTrajectory`
// answers `any`; these types, and the overloads of `TrajectoryExports`, give each format its own.
import type { ExportTrajectoryQuery } from "./queries.js";
import type { IMessageView, ISessionView } from "./client.js";

/** `format: "atif"` (the default): an ATIF v1.7 document (Agent Trajectory Interchange Format). */
export interface AtifTrajectory {
  schema_version: "ATIF-v1.7";
  session_id: string;
  /** The session's agent (`"unknown"` when it has none), version `"unknown"`, and its model. */
  agent: { name: string; version: string; model_name: string };
  /** Numbered 1, 2, 3 ... without gaps. */
  steps: AtifStep[];
  final_metrics: AtifFinalMetrics;
}

/** One step: the stored system prompt, a user's message, an agent's message with its tool calls and their results, or a tool result whose call is not in the export. */
export interface AtifStep {
  step_id: number;
  /** RFC 3339, microseconds included. */
  timestamp: string;
  /** `agent` is the wire's `assistant`. */
  source: "system" | "user" | "agent";
  message: string;
  /** Agent steps only. */
  model_name?: string;
  /** Agent steps only, when the message had calls. */
  tool_calls?: AtifToolCall[];
  /** Agent steps only: the results of the step's own calls. */
  observation?: { results: AtifObservationResult[] };
  /** Agent steps only, when the message had usage. */
  metrics?: AtifMetrics;
  /** The service's own fields (`seq`, `id`, `compacted_at`), and what a message carried that ATIF places on agent steps only. */
  extra?: { [key: string]: unknown };
}

export interface AtifToolCall {
  tool_call_id: string;
  function_name: string;
  /** The call's arguments as sent, or `{ raw: "<text>" }` when they were no JSON object. */
  arguments: { [key: string]: unknown };
}

export interface AtifObservationResult {
  /** The `tool_call_id` of a call of the same step. */
  source_call_id: string;
  content: string;
}

export interface AtifMetrics {
  /** Input, cache read and cache creation tokens together. */
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number | null;
  extra: { cache_creation_input_tokens: number };
}

export interface AtifFinalMetrics {
  total_prompt_tokens: number;
  total_completion_tokens: number;
  total_cached_tokens: number;
  /** Null when any message's usage has no cost. */
  total_cost_usd: number | null;
  total_steps: number;
}

/** `format: "openai"`: one Chat Completions message; the stored system prompt comes first. */
export type ChatCompletionsMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ChatCompletionsToolCall[] }
  | { role: "tool"; tool_call_id: string | null; content: string };

export interface ChatCompletionsToolCall {
  id: string;
  type: "function";
  /** `arguments` is the arguments' JSON text. */
  function: { name: string; arguments: string };
}

/** `format: "native"`: the session, its messages and its stored domain events as the service keeps them. */
export interface NativeExport {
  format: "native";
  version: 1;
  session: ISessionView;
  messages: IMessageView[];
  events: { type: string; occurred_at: string; data: { [key: string]: unknown } }[];
}

/** `exportTrajectory` with its query by name, answering the shape of the format asked for. */
export interface TrajectoryExports {
  exportTrajectory(org: string, workspace: string, session: string, query: ExportTrajectoryQuery & { format: "openai" }, signal?: AbortSignal): Promise<ChatCompletionsMessage[]>;
  exportTrajectory(org: string, workspace: string, session: string, query: ExportTrajectoryQuery & { format: "native" }, signal?: AbortSignal): Promise<NativeExport>;
  exportTrajectory(org: string, workspace: string, session: string, query?: ExportTrajectoryQuery & { format?: "atif" | null | undefined }, signal?: AbortSignal): Promise<AtifTrajectory>;
}
