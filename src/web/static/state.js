// The page's state: what the event stream last said and what this page is doing, the API
// client, the notice line and the route in the address. The views read `store` as they render;
// whoever changes it calls `changed()`, and the page renders again (Preact keeps the DOM nodes
// that stay, so focus, typed text and open <details> survive).

/** What the event stream last said, and what the page is doing. */
export const store = {
  active: [],
  sources: [],
  /** The catalog's generation, and a count of changes to it seen since the page opened. */
  generation: null,
  catalogChanges: 0,
  /** A count of changes to the active servers (an open entry reloads its detail). */
  activeChanges: 0,
  /** Progress per server id being started, per source refreshing. */
  progress: { add: new Map(), refresh: new Map() },
  /** The catalog view's hash, to go back to it from an entry. */
  lastCatalog: "#/catalog",
  /** Sources whose refresh this page asked for, with the answer. */
  refreshNotes: new Map(),
  /**
   * Adds from this page that failed, per server id: `{id, title, error, at}`. registry-active
   * lists a failed server only when it was active before, so a first start that fails would
   * leave no trace but a toast; these stay in Running and on the entry until dismissed, added
   * again, or the server shows up as active.
   */
  failedAdds: new Map(),
  /**
   * Servers built from source that answered an add with what the build would run, per id: the
   * plan (`{kind, repo, commit, directory, file, image?, package?}`). Nothing is built until a
   * person presses "Build and start".
   */
  buildPlans: new Map(),
  /** The event stream: "connecting", "live" or "reconnecting". */
  live: "connecting",
  /** The last short message: `{message, bad, seq}`. */
  notice: null,
  /** The registry's answer when the page is not signed in. */
  unauthorized: null,
};

const listeners = new Set();

/** Tells the page that `store` changed. */
export function changed() {
  for (const listener of listeners) listener();
}

/** Calls `listener` after every change; returns how to stop. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls the API; throws an Error with the registry's message when it refuses. */
export async function api(path, options = {}) {
  const init = { method: options.method ?? "GET", headers: {}, credentials: "same-origin" };
  if (options.body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = { error: text.trim() };
  }
  if (response.status === 401) {
    store.unauthorized = text;
    changed();
    throw new Error("Not signed in");
  }
  if (!response.ok) throw new Error(data?.error ?? `${response.status} ${response.statusText}`);
  return data;
}

/** The API path of an entry or an active server. */
export const idPath = (base, id, rest = "") => `${base}/${encodeURIComponent(id)}${rest}`;

let noticeSeq = 0;

/** Shows a short message; errors stay until the next one. */
export function say(message, bad = false) {
  const seq = ++noticeSeq;
  store.notice = { message, bad, seq };
  changed();
  if (bad) return;
  setTimeout(() => {
    if (store.notice?.seq !== seq) return;
    store.notice = null;
    changed();
  }, 5000);
}

/** The view in the address: `#/<view>/<id>?<params>`. */
export function currentRoute() {
  const hash = location.hash || "#/catalog";
  const [path, query = ""] = hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const view = ["catalog", "entry", "running", "sources"].includes(parts[0]) ? parts[0] : "catalog";
  return { view, id: parts[1], params: new URLSearchParams(query) };
}

/** Changes the catalog search in the address (so Back works) and shows it. */
export function updateSearch(changes) {
  const params = currentRoute().params;
  for (const [key, value] of Object.entries(changes)) {
    if (value === "" || value === undefined) params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  history.replaceState(null, "", `#/catalog${query ? `?${query}` : ""}`);
  changed();
}
