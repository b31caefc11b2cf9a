/**
 * How the mcpservers.org crawler asks for a page, politely: a browser-like User-Agent that names
 * this program, a few requests at a time (a shared {@linkcode Semaphore}), every request paused
 * while the site asks for a pause (429), and none at all once it has refused one (403).
 *
 * @module
 */
import { Semaphore } from "../util/semaphore.ts";
import { VERSION } from "../util/version.ts";
import { type AttemptEnd, fetchWithRetry, HttpError, sleep } from "./_http.ts";
import { redactUrl } from "../util/redact_url.ts";

/** Browser-like, so the site serves its ordinary pages, and honest about what is asking. */
export const MCPSERVERS_USER_AGENT =
  `Mozilla/5.0 (compatible; mcp-registry/${VERSION}; MCP server catalog; polite crawler)`;

/** A request the site refused (403) or kept rate-limiting (429): asking again will not help. */
export class RefusedError extends Error {
  override name = "RefusedError";
}

/** Options for {@linkcode SiteFetcher}. */
export interface SiteFetcherOptions {
  fetch: typeof fetch;
  /** Requests in flight at once. */
  concurrency: number;
  /** How long one request (headers and body) may take. */
  requestTimeoutMs: number;
  /** Further attempts after a 5xx, 429, timeout or network error. */
  retries: number;
  /** The wait before the first retry; it doubles with each. */
  backoffMs: number;
  /** The longest wait before a retry, whatever `Retry-After` asks. */
  maxRetryWaitMs: number;
  /** Stops every request and wait. */
  signal: AbortSignal;
}

/** The requests of one refresh: their turns, the pause a 429 asks for, and a refusal. */
export class SiteFetcher {
  readonly #o: SiteFetcherOptions;
  readonly #slots: Semaphore;
  /** Set when the site refused a request: no further pages are asked for. */
  #refused: string | null = null;
  /** A 429 pauses every request until then (ms since the epoch). */
  #pauseUntil = 0;
  #pagesRead = 0;

  constructor(options: SiteFetcherOptions) {
    this.#o = options;
    this.#slots = new Semaphore(options.concurrency);
  }

  /** Why the site refused the refresh's requests; null while it has not. */
  get refused(): string | null {
    return this.#refused;
  }

  /** Pages read so far (a 404 counts: it was answered). */
  get pagesRead(): number {
    return this.#pagesRead;
  }

  /**
   * GETs `url` and returns its body, or null for a 404/410. Retries 5xx, 429, timeouts and
   * network errors with exponential backoff (honouring `Retry-After` up to the cap); throws a
   * {@linkcode RefusedError} at once for a 403, and after the retries for a 429. A 429 pauses
   * every request of the refresh for as long as it waits.
   */
  async get(url: string): Promise<string | null> {
    const { fetch, retries, requestTimeoutMs, backoffMs, maxRetryWaitMs } = this.#o;
    const shown = redactUrl(url);
    try {
      const { text } = await fetchWithRetry(url, {
        fetch,
        signal: this.#o.signal,
        headers: {
          "user-agent": MCPSERVERS_USER_AGENT,
          "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          "accept-language": "en",
        },
        timeoutMs: requestTimeoutMs,
        attempts: retries + 1,
        backoffMs,
        maxBackoffMs: maxRetryWaitMs,
        maxRetryAfterMs: maxRetryWaitMs,
        beforeAttempt: () => this.#turn(shown),
      });
      this.#pagesRead++;
      return text;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const { status, exhausted, attempts } = error;
      if (status === 404 || status === 410) {
        this.#pagesRead++;
        return null;
      }
      if (status === 403) throw new RefusedError(this.#refused ?? error.message);
      if (!exhausted) throw new Error(`mcpservers.org answered HTTP ${status} for ${shown}`);
      const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
      if (status === 429) {
        this.#refused = `mcpservers.org kept rate-limiting the requests (HTTP 429) for ${shown} ` +
          `after ${tries}: try later, set MCP_REGISTRY_MCPSERVERS_URL to a mirror, or leave ` +
          "mcpservers out of MCP_REGISTRY_SOURCES";
        throw new RefusedError(this.#refused);
      }
      const failure = error.problem === "status"
        ? `HTTP ${status}`
        : error.problem === "timeout" || error.problem === "body-timeout"
        ? `no answer within ${requestTimeoutMs / 1000} s`
        : `cannot connect (${error.detail})`;
      throw new Error(`mcpservers.org: ${failure} for ${shown} after ${tries}`);
    }
  }

  /**
   * Waits for this request's turn: the end of a 429 pause, then a free slot. Throws once the
   * site has refused a request. Returns what ends the turn: a 403 marks the refresh refused
   * before the slot is free (so no other request starts), a 429 pauses every request.
   */
  async #turn(shown: string): Promise<(end: AttemptEnd) => void> {
    if (this.#refused) throw new RefusedError(this.#refused);
    await sleep(this.#pauseUntil - Date.now(), this.#o.signal);
    const release = await this.#slots.acquire(this.#o.signal);
    if (this.#refused) {
      release();
      throw new RefusedError(this.#refused);
    }
    return ({ status, retryInMs }) => {
      if (status === 403) {
        this.#refused ??= `mcpservers.org refused the request (HTTP 403) for ${shown}: the ` +
          "site may block automated clients; try later, set MCP_REGISTRY_MCPSERVERS_URL to a " +
          "mirror, or leave mcpservers out of MCP_REGISTRY_SOURCES";
      }
      if (status === 429 && retryInMs !== null) {
        this.#pauseUntil = Math.max(this.#pauseUntil, Date.now() + retryInMs);
      }
      release();
    };
  }
}
