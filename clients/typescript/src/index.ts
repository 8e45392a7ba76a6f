import { ErrorEnvelope, SessionsClient } from "./client.js";

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
   * new one (201).
   */
  onResponse?: (response: Response, request: { url: string; method: string }) => void;
}

/**
 * A client for the Sessions API with authentication and client-version headers applied to every
 * request. Failed calls reject with an {@link ErrorEnvelope} (`code`, `detail`, `type`, `errors`).
 */
export function createSessionsClient(options: SessionsClientOptions): SessionsClient {
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
      const response = await platformFetch(url, { ...init, headers });
      options.onResponse?.(response, { url: String(url), method: init?.method ?? "GET" });
      return response;
    },
  });
}

/** True when a rejected call carries the service's error envelope. */
export function isErrorEnvelope(error: unknown): error is ErrorEnvelope {
  return error instanceof ErrorEnvelope;
}
