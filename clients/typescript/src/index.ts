import { ApiException, ErrorEnvelope, SessionsClient } from "./client.js";
import type { TrajectoryExports } from "./exports.js";
import { QueryObjects, queryParameters } from "./queries.js";

export * from "./client.js";
export * from "./exports.js";
export * from "./queries.js";

/** How to reach the Sessions API. */
export interface SessionsClientOptions {
  /** The service's root, e.g. `https://sessions.example.com` (no `/api/v1`). */
  baseUrl: string;
  /** A bearer token, or a function that returns the current one (called before every request). */
  token?: string | (() => string | Promise<string>);
  /** Sent as `X-Client-Version`; the service answers 426 when it is older than its minimum. */
  clientVersion?: string;
  /** The fetch to use; defaults to the platform's (browsers, Node 18+). */
  fetch?: typeof globalThis.fetch;
  /**
   * Called with every response before the call reads it: where a caller reads the headers the
   * generated methods do not return, such as a session answer's `ETag` (for `If-Match`), a
   * create's `Location`, a 429's `Retry-After`, or the status telling a repeated item (200) from a
   * new one (201). It must not read the body, which the call reads next (`response.clone()` can).
   */
  onResponse?: (response: Response, request: { url: string; method: string }) => void;
}

/**
 * A client for the Sessions API with authentication and client-version headers applied to every
 * request. A call answered with an error status rejects with an {@link ErrorEnvelope} (`code`,
 * `detail`, `type`, `errors`) when the service answered with one, whatever the status (408 and
 * 503 included, which the document declares for no operation), and otherwise with an
 * {@link ApiException} carrying the status and the body as received (an empty answer, or a proxy's
 * HTML or JSON page in front of the service). A call that gets no answer rejects as `fetch` does.
 */
export function createSessionsClient(options: SessionsClientOptions): SessionsApi {
  return Object.assign(connect(options), { ifMatch: (etag: string) => connect(options, etag) });
}

/**
 * The generated client, whose operations with query parameters also take them by name, in one object
 * after the path's parameters: `listSessions("demo", "default", { label: ["team:red"], page: 2 })`
 * (see {@link QueryObjects}). A name the operation does not have rejects with a `TypeError` and sends
 * nothing. `exportTrajectory` called so answers the shape of the format asked for ({@link TrajectoryExports}).
 */
export type SessionsOperations = TrajectoryExports & SessionsClient & QueryObjects;

/** The client {@link createSessionsClient} answers: every operation, and each change made conditional on a version read before. */
export type SessionsApi = SessionsOperations & {
  /**
   * The same client, sending `If-Match: etag` with every change it makes (not with reads): the
   * change answers 412 `precondition_failed`, and changes nothing, when the session is no longer
   * at that version. Every change of one session reads it (`deleteSession`, `archiveSession`,
   * `freezeSession`, `appendTranscript`, `recordItem`, ...); `updateSession` also takes it as an
   * argument, which wins. `etag` is a session answer's `ETag` header, e.g. `"3"`, read through
   * {@link SessionsClientOptions.onResponse}.
   */
  ifMatch(etag: string): SessionsOperations;
};

function connect(options: SessionsClientOptions, ifMatch?: string): SessionsOperations {
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return withQueryObjects(new SessionsClient(options.baseUrl.replace(/\/+$/, ""), {
    async fetch(url: RequestInfo, init?: RequestInit): Promise<Response> {
      const headers = new Headers(init?.headers);
      const token = typeof options.token === "function" ? await options.token() : options.token;
      if (token) {
        headers.set("Authorization", `Bearer ${token}`);
      }
      if (options.clientVersion) {
        headers.set("X-Client-Version", options.clientVersion);
      }
      const method = init?.method ?? "GET";
      if (ifMatch !== undefined && method !== "GET" && method !== "HEAD" && !headers.get("If-Match")) {
        headers.set("If-Match", ifMatch);
      }
      const response = await platformFetch(url, { ...init, headers });
      options.onResponse?.(response, { url: String(url), method });
      if (!response.ok) {
        await refuse(response);
      }
      return response;
    },
  }));
}

/**
 * Gives each operation of {@link queryParameters} its by-name form: called with a plain object where
 * its query begins, it calls the generated method with that object's members in the method's order.
 */
function withQueryObjects(client: SessionsClient): SessionsOperations {
  for (const [operation, { path, query }] of Object.entries(queryParameters)) {
    const inOrder = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[operation]!;
    const byName = (...args: unknown[]): Promise<unknown> => {
      const given = args[path];
      if (typeof given !== "object" || given === null || Array.isArray(given)) {
        return inOrder.apply(client, args);
      }
      const members = given as Record<string, unknown>;
      const unknown = Object.keys(members).filter((name) => !query.includes(name));
      if (unknown.length > 0) {
        return Promise.reject(new TypeError(`${operation} has no query parameter ${unknown.join(", ")}; it has ${query.join(", ")}.`));
      }
      return inOrder.call(client, ...args.slice(0, path), ...query.map((name) => members[name]), args[path + 1]);
    };
    Object.defineProperty(client, operation, { value: byName, enumerable: false, writable: true, configurable: true });
  }
  return client as SessionsOperations;
}

/** True when a rejected call carries the service's error envelope. */
export function isErrorEnvelope(error: unknown): error is ErrorEnvelope {
  return error instanceof ErrorEnvelope;
}

/**
 * Rejects an error answer before the generated code reads it: that code reads the envelope only for
 * the statuses the document declares for the operation, and parses any other body as JSON.
 */
async function refuse(response: Response): Promise<never> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isEnvelope(body, response.status)) {
    throw ErrorEnvelope.fromJS(body);
  }
  const headers: { [key: string]: string } = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  throw new ApiException(
    `The service answered ${response.status} without its error envelope.`,
    response.status,
    text,
    headers,
    body ?? null,
  );
}

function isEnvelope(body: unknown, status: number): boolean {
  if (typeof body !== "object" || body === null) {
    return false;
  }
  const fields = body as { [key: string]: unknown };
  return fields["code"] === status && typeof fields["type"] === "string" && typeof fields["detail"] === "string";
}
