import { ApiException, ErrorEnvelope, SessionsClient } from "./client.js";

export * from "./client.js";

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

/** The client {@link createSessionsClient} answers: every operation, and each change made conditional on a version read before. */
export type SessionsApi = SessionsClient & {
  /**
   * The same client, sending `If-Match: etag` with every change it makes (not with reads): the
   * change answers 412 `precondition_failed`, and changes nothing, when the session is no longer
   * at that version. Every change of one session reads it (`deleteSession`, `archiveSession`,
   * `freezeSession`, `appendTranscript`, `recordItem`, ...); `updateSession` also takes it as an
   * argument, which wins. `etag` is a session answer's `ETag` header, e.g. `"3"`, read through
   * {@link SessionsClientOptions.onResponse}.
   */
  ifMatch(etag: string): SessionsClient;
};

function connect(options: SessionsClientOptions, ifMatch?: string): SessionsClient {
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return new SessionsClient(options.baseUrl.replace(/\/+$/, ""), {
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
  });
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
