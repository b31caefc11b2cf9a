/**
 * HTTP for the sources that read a web API or site: one GET with a time limit, tried again with
 * exponential backoff when asking again can help (5xx, 429, a timeout, a network error), and
 * `Retry-After` honoured up to a cap. Any other answer fails at once. Private to `sources/`.
 *
 * @module
 */
import { redactUrl } from "../util/redact_url.ts";

/** How the last attempt of a request failed. */
export type HttpProblem =
  /** An answer that is not 2xx; see `status`. */
  | "status"
  /** No answer (headers) within the time limit. */
  | "timeout"
  /** The request could not be made or answered: refused connection, DNS, TLS, reset. */
  | "network"
  /** A 2xx answer whose body did not arrive whole within the time limit. */
  | "body-timeout"
  /** A 2xx answer whose body broke off. */
  | "body";

/** How a request's last attempt failed. */
export interface HttpFailure {
  /** How, in a word. */
  problem: HttpProblem;
  /** The answer's status; null when no answer came. */
  status: number | null;
  /** The answer's status and reason phrase, e.g. `403 Forbidden`; "" without an answer. */
  statusLine: string;
  /** What went wrong, in words: `it answered 503 Service Unavailable`, `no answer within 30 s`. */
  reason: string;
  /** The network error's own message (credentials masked); "" when there was none. */
  detail: string;
}

/** A request that failed: an answer not worth asking again for, or attempts that ran out. */
export class HttpError extends Error implements HttpFailure {
  /** The URL asked for, credentials masked. */
  readonly url: string;
  readonly problem: HttpProblem;
  readonly status: number | null;
  readonly statusLine: string;
  readonly reason: string;
  readonly detail: string;
  /** Attempts made. */
  readonly attempts: number;
  /** True when every attempt failed in a way worth retrying; false for a 403, 404 and the like. */
  readonly exhausted: boolean;

  constructor(url: string, failure: HttpFailure & { attempts: number; exhausted: boolean }) {
    const tries = failure.exhausted ? ` (${failure.attempts} attempts)` : "";
    super(`Cannot read ${url}: ${failure.reason}${tries}`);
    this.name = "HttpError";
    this.url = url;
    this.problem = failure.problem;
    this.status = failure.status;
    this.statusLine = failure.statusLine;
    this.reason = failure.reason;
    this.detail = failure.detail;
    this.attempts = failure.attempts;
    this.exhausted = failure.exhausted;
  }
}

/** How one attempt ended, for the function {@linkcode FetchWithRetryOptions.beforeAttempt} returns. */
export interface AttemptEnd {
  /** The answer's status; null when none came. */
  status: number | null;
  /** The wait before the next attempt; null when there is none. */
  retryInMs: number | null;
}

/** Options for {@linkcode fetchWithRetry}. */
export interface FetchWithRetryOptions {
  /** The seam for HTTP. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Stops the request, and the waits between attempts, with the signal's reason. */
  signal?: AbortSignal;
  /** Request headers. */
  headers?: HeadersInit;
  /** How long one attempt may take, its answer's body included. @default 30_000 */
  timeoutMs?: number;
  /** Attempts in all, the first one included; at least 1. @default 3 */
  attempts?: number;
  /** The wait before the second attempt; it doubles for each next one. @default 1_000 */
  backoffMs?: number;
  /** The longest wait the backoff grows to. @default Infinity */
  maxBackoffMs?: number;
  /** The longest `Retry-After` honoured; a longer one is cut to this. @default Infinity */
  maxRetryAfterMs?: number;
  /**
   * Runs before each attempt: it may wait (for a pause to end, for a free slot) or throw (to
   * ask no more). The function it returns, if any, is called as that attempt ends, before the
   * request's error (if any) is thrown and before the wait for the next attempt.
   */
  beforeAttempt?: () => Promise<((end: AttemptEnd) => void) | void>;
}

/** A 2xx answer, its body read. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * GETs `url` and reads its body as text. 5xx, 429, timeouts and network errors are tried again
 * after `backoffMs`, `2 x backoffMs`, ... (or what `Retry-After` asks, up to `maxRetryAfterMs`);
 * any other answer that is not 2xx throws an {@linkcode HttpError} at once, as does the last
 * failed attempt. An abort of `signal` throws its reason.
 */
export async function fetchWithRetry(
  url: string | URL,
  options: FetchWithRetryOptions = {},
): Promise<HttpAnswer> {
  const {
    fetch: fetchFn = globalThis.fetch,
    signal,
    headers,
    timeoutMs = 30_000,
    attempts = 3,
    backoffMs = 1_000,
    maxBackoffMs = Infinity,
    maxRetryAfterMs = Infinity,
    beforeAttempt,
  } = options;
  if (!(attempts >= 1)) throw new RangeError(`attempts must be at least 1, not ${attempts}`);
  const shown = redactUrl(String(url));
  for (let attempt = 1;; attempt++) {
    signal?.throwIfAborted();
    const end = await beforeAttempt?.();
    let status: number | null = null;
    let wait: number | null = null;
    try {
      signal?.throwIfAborted();
      const outcome = await attemptOnce(url, { fetchFn, headers, signal, timeoutMs });
      status = outcome.status;
      if ("text" in outcome) return outcome;
      const { retry, retryAfter, ...failure } = outcome;
      if (!retry || attempt >= attempts) {
        throw new HttpError(shown, { ...failure, attempts: attempt, exhausted: retry });
      }
      wait = retryAfter !== null
        ? Math.min(retryAfter, maxRetryAfterMs)
        : Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs);
    } finally {
      end?.({ status, retryInMs: wait });
    }
    await sleep(wait, signal);
  }
}

/** One attempt, within its time limit: the answer, or how it failed (`Retry-After` with it). */
async function attemptOnce(
  url: string | URL,
  { fetchFn, headers, signal, timeoutMs }: {
    fetchFn: typeof fetch;
    headers: HeadersInit | undefined;
    signal: AbortSignal | undefined;
    timeoutMs: number;
  },
): Promise<HttpAnswer | HttpFailure & { retry: boolean; retryAfter: number | null }> {
  const seconds = `${timeoutMs / 1000} s`;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const both = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  const none = { status: null, statusLine: "", detail: "", retry: true, retryAfter: null };
  try {
    let response: Response;
    try {
      response = await fetchFn(url, { signal: both, headers });
    } catch (error) {
      const detail = retryable(error, signal, timeout.signal);
      return timeout.signal.aborted
        ? { ...none, problem: "timeout", reason: `no answer within ${seconds}` }
        : { ...none, problem: "network", detail, reason: `the connection failed (${detail})` };
    }
    const status = response.status;
    const statusLine = `${status}${response.statusText ? ` ${response.statusText}` : ""}`;
    const answered = { ...none, status, statusLine };
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return {
        ...answered,
        problem: "status",
        reason: `it answered ${statusLine}`,
        retry: status === 429 || status >= 500,
        retryAfter: retryAfterMs(response.headers.get("retry-after")),
      };
    }
    try {
      return { status, headers: response.headers, text: await response.text() };
    } catch (error) {
      const detail = retryable(error, signal, timeout.signal);
      return timeout.signal.aborted
        ? {
          ...answered,
          problem: "body-timeout",
          reason: `the answer did not arrive whole within ${seconds}`,
        }
        : { ...answered, problem: "body", detail, reason: `the answer broke off (${detail})` };
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The message of an error worth another attempt: a network error (fetch's `TypeError`) or our
 * own timeout. Anything else, the signal's abort first, is thrown on.
 */
function retryable(error: unknown, signal: AbortSignal | undefined, timeout: AbortSignal): string {
  signal?.throwIfAborted();
  if (!timeout.aborted && !(error instanceof TypeError)) throw error;
  return redactUrl((error as Error).message);
}

/** `Retry-After` in milliseconds: seconds, or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Resolves after `ms` (at once for 0 or less); rejects with the signal's reason on abort. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `url` without the user name and password it may carry, for a link people and clients are
 * shown: it still leads to the page, and gives nothing away.
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s'"]+@/i, "$1");
}
