// mcp-registry's page: plain DOM, no framework, no build step. Every text from the API goes
// into the page as text (textContent), never as HTML.

const main = document.getElementById("main");
const notice = document.getElementById("notice");
const live = document.getElementById("live");
const runningCount = document.getElementById("running-count");

/** What the event stream last said, and what the page is doing. */
const state = {
  active: [],
  sources: [],
  generation: null,
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
};

// ---- small helpers -------------------------------------------------------------------------

/** Makes an element: `h("a", {href, class: "x", onclick}, "text", child, [more])`. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...clean(children));
  return el;
}

/** The children worth adding: nested lists flattened, false/null/undefined left out. */
function clean(children) {
  return children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
}

/** Replaces the children of `el`. */
function put(el, ...children) {
  el.replaceChildren(...clean(children));
}

/** Adds children to `el`. */
function append(el, ...children) {
  el.append(...clean(children));
}

/** Calls the API; throws an Error with the registry's message when it refuses. */
async function api(path, options = {}) {
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
    showUnauthorized(text);
    throw new Error("Not signed in");
  }
  if (!response.ok) throw new Error(data?.error ?? `${response.status} ${response.statusText}`);
  return data;
}

function showUnauthorized(text) {
  put(main, h("h1", {}, "Open the page with its address"), h("p", {}, text));
}

/** Shows a short message; errors stay until the next one. */
function say(message, bad = false) {
  const p = h("p", { class: bad ? "bad" : "" }, message);
  if (bad) p.setAttribute("role", "alert");
  put(notice, p);
  if (!bad) setTimeout(() => p.remove(), 5000);
}

const LAUNCH = {
  podman: "container (podman)",
  "stdio-proxy": "package (npm / PyPI)",
  "remote-http": "remote server",
  none: "cannot run (no launch details)",
};

function ago(iso) {
  if (!iso) return "never";
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text = s < 60
    ? `${s} s`
    : s < 3600
    ? `${Math.floor(s / 60)} min`
    : s < 86400
    ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
    : `${Math.floor(s / 86400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

function time(iso) {
  return iso ? h("time", { datetime: iso, title: iso }, ago(iso)) : "never";
}

function uptime(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function safeLink(url, text) {
  return /^https?:\/\//i.test(url ?? "")
    ? h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, text ?? url)
    : (text ?? url ?? "");
}

function badges(entry) {
  return h(
    "ul",
    { class: "badges", "aria-label": "Properties" },
    h(
      "li",
      { class: `badge${entry.launch_method === "none" ? " warn" : ""}` },
      LAUNCH[entry.launch_method],
    ),
    entry.official && h("li", { class: "badge good" }, "official"),
    entry.featured && h("li", { class: "badge" }, "featured"),
    entry.requires_api_key && h("li", { class: "badge warn" }, "needs an API key"),
    entry.tools_known && h("li", { class: "badge" }, `${entry.tools.length} tools`),
    h("li", { class: "badge" }, `from ${entry.sources.join(", ")}`),
  );
}

/** False until the first view is drawn: a page just opened keeps focus at its start. */
let drawn = false;

/** Moves focus to the view's heading (after a change of view), for keyboard and reader users. */
function focusHeading() {
  if (!drawn) {
    drawn = true;
    return;
  }
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
}

// ---- routing -------------------------------------------------------------------------------

function currentRoute() {
  const hash = location.hash || "#/catalog";
  const [path, query = ""] = hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] ?? "catalog", id: parts[1], params: new URLSearchParams(query) };
}

let renderedView = null;

function render() {
  const route = currentRoute();
  const view = ["catalog", "entry", "running", "sources"].includes(route.view)
    ? route.view
    : "catalog";
  for (const link of document.querySelectorAll("nav a[data-view]")) {
    const here = link.dataset.view === view ||
      (view === "entry" && link.dataset.view === "catalog");
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const changed = renderedView !== `${view}/${route.id ?? ""}`;
  renderedView = `${view}/${route.id ?? ""}`;
  if (view === "catalog") {
    state.lastCatalog = location.hash || "#/catalog";
    renderCatalog(route.params, changed);
  } else if (view === "entry") void renderEntry(route.id, true);
  else if (view === "running") {
    renderRunning();
    if (changed) focusHeading();
  } else {
    renderSources();
    if (changed) focusHeading();
  }
}

// ---- catalog -------------------------------------------------------------------------------

const FILTERS = [
  { key: "source", label: "Source", name: (v) => v },
  { key: "category", label: "Category", name: (v) => v },
  { key: "launch_method", label: "Runs as", name: (v) => LAUNCH[v] ?? v },
  {
    key: "official",
    label: "Official",
    name: (v) => (v === "true" ? "official" : "not official"),
  },
  {
    key: "requires_api_key",
    label: "API key",
    name: (v) => (v === "true" ? "needs an API key" : "no API key needed"),
  },
  { key: "tag", label: "Tag", name: (v) => v },
];

let catalogShell = null;
let searchTimer = 0;
let searchSeq = 0;

function renderCatalog(params, fresh) {
  if (fresh || !catalogShell || !main.contains(catalogShell.root)) {
    const input = h("input", {
      id: "q",
      type: "search",
      name: "q",
      autocomplete: "off",
      placeholder: "postgres, github issues, web scraping…",
      value: params.get("q") ?? "",
    });
    input.addEventListener("input", () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => updateSearch({ q: input.value, offset: "" }), 250);
    });
    const form = h(
      "form",
      {
        class: "search",
        role: "search",
        onsubmit: (event) => {
          event.preventDefault();
          clearTimeout(searchTimer);
          updateSearch({ q: input.value, offset: "" });
        },
      },
      h("div", { class: "field" }, h("label", { for: "q" }, "Search the catalog"), input),
      h("button", { type: "submit" }, "Search"),
    );
    const filters = h("fieldset", { class: "filters" }, h("legend", {}, "Filters"));
    const summary = h("h2", { id: "result-summary", "aria-live": "polite" }, "Searching…");
    const results = h("ol", { class: "results", "aria-labelledby": "result-summary" });
    const pager = h("nav", { class: "pager", "aria-label": "Result pages" });
    const root = h("div", {}, h("h1", {}, "Catalog"), form, filters, summary, results, pager);
    put(main, root);
    catalogShell = { root, input, filters, summary, results, pager };
    if (fresh) focusHeading();
  }
  void loadResults(params);
}

/** Changes the search in the address (so Back works) and runs it. */
function updateSearch(changes) {
  const params = currentRoute().params;
  for (const [key, value] of Object.entries(changes)) {
    if (value === "" || value === undefined) params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  history.replaceState(null, "", `#/catalog${query ? `?${query}` : ""}`);
  render();
}

async function loadResults(params) {
  const seq = ++searchSeq;
  const shell = catalogShell;
  let data;
  try {
    data = await api(`/api/catalog?${params}`);
  } catch (error) {
    if (seq !== searchSeq) return;
    shell.summary.textContent = "The search failed";
    put(shell.results, h("li", { class: "error" }, error.message));
    put(shell.pager);
    return;
  }
  if (seq !== searchSeq) return; // a newer search is under way
  renderFilters(shell, data, params);
  const from = data.total === 0 ? 0 : data.offset + 1;
  const to = data.offset + data.results.length;
  shell.summary.textContent = data.total === 0
    ? "No server matches; try other words or fewer filters"
    : data.browsing
    ? `${data.total} servers (official first), ${from}–${to} shown`
    : `${data.total} servers match, best first; ${from}–${to} shown`;
  put(
    shell.results,
    ...data.results.map((entry) =>
      h(
        "li",
        {},
        h("h3", {}, h("a", { href: `#/entry/${encodeURIComponent(entry.id)}` }, entry.title)),
        h("p", { class: "id" }, h("code", {}, entry.id)),
        entry.description && h("p", {}, entry.description),
        badges(entry),
      )
    ),
  );
  const prev = h("button", {
    type: "button",
    class: "secondary",
    disabled: data.offset === 0,
    onclick: () => updateSearch({ offset: String(Math.max(0, data.offset - data.limit)) || "" }),
  }, "Previous page");
  const next = h("button", {
    type: "button",
    class: "secondary",
    disabled: to >= data.total || to >= 1000,
    onclick: () => updateSearch({ offset: String(data.offset + data.limit) }),
  }, "Next page");
  put(shell.pager, prev, h("span", {}, `${from}–${to} of ${data.total}`), next);
}

function renderFilters(shell, data, params) {
  const focused = document.activeElement?.id;
  const fields = FILTERS.map((filter) => {
    const counts = data.facets[filter.key] ?? [];
    const selected = params.get(filter.key) ?? "";
    const select = h(
      "select",
      {
        id: `filter-${filter.key}`,
        onchange: (event) => updateSearch({ [filter.key]: event.target.value, offset: "" }),
      },
      h("option", { value: "" }, "any"),
      counts.map((c) =>
        h(
          "option",
          { value: c.value, selected: c.value === selected },
          `${filter.name(c.value)} (${c.count})`,
        )
      ),
    );
    return h(
      "div",
      { class: "field" },
      h("label", { for: `filter-${filter.key}` }, filter.label),
      select,
    );
  });
  const clear = h("button", {
    type: "button",
    class: "secondary",
    disabled: !FILTERS.some((f) => params.get(f.key)),
    onclick: () =>
      updateSearch(Object.fromEntries([...FILTERS.map((f) => [f.key, ""]), ["offset", ""]])),
  }, "Clear filters");
  put(shell.filters, h("legend", {}, "Filters"), ...fields, h("div", { class: "field" }, clear));
  if (focused?.startsWith("filter-")) document.getElementById(focused)?.focus();
}

// ---- entry detail --------------------------------------------------------------------------

let entrySeq = 0;

async function renderEntry(id, fresh) {
  const seq = ++entrySeq;
  let entry;
  try {
    entry = await api(`/api/entries/${encodeURIComponent(id)}`);
  } catch (error) {
    if (seq !== entrySeq) return;
    put(
      main,
      h("p", {}, h("a", { href: state.lastCatalog }, "← Back to the catalog")),
      h("h1", {}, id),
      h("p", { class: "error" }, error.message),
    );
    return;
  }
  if (seq !== entrySeq || currentRoute().view !== "entry") return;
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Runs as"),
    h("dd", {}, LAUNCH[entry.launch.method]),
    entry.launch.image && [h("dt", {}, "Image"), h("dd", {}, h("code", {}, entry.launch.image))],
    entry.launch.package && [
      h("dt", {}, "Package"),
      h(
        "dd",
        {},
        h(
          "code",
          {},
          `${entry.launch.package.registry}: ${entry.launch.package.name}${
            entry.launch.package.version ? `@${entry.launch.package.version}` : ""
          }`,
        ),
      ),
    ],
    entry.launch.remote && [
      h("dt", {}, "Remote URL"),
      h("dd", {}, h("code", {}, entry.launch.remote.url), ` (${entry.launch.remote.transport})`),
    ],
    entry.repo_url && [
      h("dt", {}, "Repository"),
      h(
        "dd",
        {},
        safeLink(entry.repo_url),
        entry.repo_subfolder ? ` (folder ${entry.repo_subfolder})` : "",
      ),
    ],
    entry.homepage && [h("dt", {}, "Homepage"), h("dd", {}, safeLink(entry.homepage))],
    h("dt", {}, "Sources"),
    h(
      "dd",
      {},
      h(
        "ul",
        { class: "badges" },
        entry.sources.map((source) => {
          const link = entry.links.find((l) => l.source === source);
          return h("li", { class: "badge" }, link ? safeLink(link.url, source) : source);
        }),
      ),
    ),
    entry.categories.length > 0 &&
      [h("dt", {}, "Categories"), h("dd", {}, entry.categories.join(", "))],
    entry.tags.length > 0 && [h("dt", {}, "Tags"), h("dd", {}, entry.tags.join(", "))],
  );
  put(
    main,
    h("p", {}, h("a", { href: state.lastCatalog }, "← Back to the catalog")),
    h("h1", {}, entry.title),
    h("p", { class: "id" }, h("code", {}, entry.id)),
    badges(entry),
    h("p", { class: "description" }, entry.description || "No description."),
    h(
      "section",
      { "aria-labelledby": "status-heading" },
      h("h2", { id: "status-heading" }, "Status"),
      statusBlock(entry),
    ),
    h(
      "section",
      { "aria-labelledby": "run-heading" },
      h("h2", { id: "run-heading" }, "How it runs"),
      facts,
    ),
    configSection(entry),
    toolsSection(entry),
    entry.warnings.length > 0 && h(
      "section",
      {},
      h("h2", {}, "What the source got wrong"),
      h("ul", {}, entry.warnings.map((w) => h("li", {}, w))),
    ),
  );
  if (fresh) focusHeading();
}

/**
 * The tools the catalog lists; when it lists none and the server runs, the ones the running
 * server announced (most catalog entries list none).
 */
function toolsSection(entry) {
  const running = entry.tool_details.length === 0 && entry.running_tools?.length > 0;
  const tools = running ? entry.running_tools : entry.tool_details;
  return h(
    "section",
    { id: "entry-tools", "aria-labelledby": "tools-heading" },
    h("h2", { id: "tools-heading" }, `Tools (${tools.length})`),
    running &&
      h(
        "p",
        { class: "hint" },
        "The catalog lists none; these are the ones the running server announced.",
      ),
    tools.length
      ? h(
        "ul",
        { class: "tools" },
        tools.map((t) =>
          h(
            "li",
            {},
            h("code", {}, t.name),
            t.description ? ` — ${t.description.split("\n")[0]}` : "",
          )
        ),
      )
      : h(
        "p",
        { class: "hint" },
        entry.dynamic_tools
          ? "This server announces its tools once it runs."
          : "The sources do not list its tools.",
      ),
  );
}

/** Whether it runs, and the buttons to add, restart or remove it. */
function statusBlock(entry) {
  const active = state.active.find((a) => a.id === entry.id) ?? entry.active;
  const progress = state.progress.add.get(entry.id);
  const block = h("div", { id: "entry-status", "data-id": entry.id });
  if (active) {
    append(
      block,
      h(
        "p",
        {},
        h("span", { class: `badge state-${active.state}` }, active.state),
        ` with ${active.tool_count} tools, up ${uptime(active.started_at)}. `,
        h("a", { href: "#/running" }, "See it in Running"),
      ),
      active.last_error && h("p", { class: "error" }, `Last error: ${active.last_error}`),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", onclick: () => restart(entry.id) }, "Restart"),
        h("button", { type: "button", class: "danger", onclick: () => remove(entry.id) }, "Remove"),
      ),
    );
  } else if (entry.launch_method === "none") {
    append(
      block,
      h("p", {}, "The sources describe this server but not how to run it, so it cannot be added."),
    );
  } else {
    const failed = state.failedAdds.get(entry.id);
    append(
      block,
      h("p", {}, "Not running."),
      failed && [
        h(
          "p",
          { class: "error" },
          "The last start failed (",
          time(failed.at),
          `): ${failed.error}`,
        ),
        h("button", {
          type: "button",
          class: "secondary",
          onclick: () => dismissFailure(entry.id),
        }, "Dismiss this error"),
      ],
      entry.missing.length > 0 &&
        h("p", { class: "hint" }, `Set ${entry.missing.join(", ")} below before adding it.`),
      h(
        "div",
        { class: "actions" },
        h("button", {
          type: "button",
          id: "add-button",
          disabled: entry.missing.length > 0 || progress !== undefined,
          onclick: () => add(entry.id, entry.title),
        }, "Add (start it)"),
      ),
    );
  }
  if (progress) append(block, h("p", { class: "hint", role: "status" }, progress.message));
  return block;
}

function configSection(entry) {
  if (entry.config.length === 0) {
    return h(
      "section",
      {},
      h("h2", {}, "Settings"),
      h("p", { class: "hint" }, "It declares no settings."),
    );
  }
  const inputs = [];
  const fields = entry.config.map((item, i) => {
    const id = `setting-${i}`;
    const describedBy = `${id}-hint`;
    let input;
    if (item.kind === "secret") {
      input = h("input", {
        id,
        type: "password",
        autocomplete: "new-password",
        spellcheck: "false",
        placeholder: item.set ? "set: type a new value to replace it" : "not set",
        "aria-describedby": describedBy,
      });
    } else if (item.type === "array" || item.type === "object") {
      input = h("textarea", {
        id,
        rows: "3",
        spellcheck: "false",
        "aria-describedby": describedBy,
        placeholder: item.example ?? "JSON",
      });
      input.value = item.set ? JSON.stringify(item.value) : "";
    } else {
      input = h("input", {
        id,
        type: item.type === "number" || item.type === "integer" ? "number" : "text",
        spellcheck: "false",
        placeholder: item.example ?? "",
        "aria-describedby": describedBy,
        value: item.set
          ? (typeof item.value === "string" ? item.value : JSON.stringify(item.value))
          : "",
      });
    }
    inputs.push({ item, input });
    const hint = [
      item.kind === "secret"
        ? "Secret, stored apart, never shown again."
        : item.kind === "env"
        ? "Environment value."
        : "Parameter.",
      item.type && item.kind === "parameter" && item.type !== "string"
        ? ` Type: ${item.type} (JSON).`
        : "",
      item.set ? " Set." : " Not set.",
      item.description ? ` ${item.description.split("\n")[0]}` : "",
    ].join("");
    return h(
      "div",
      { class: "setting" },
      h("label", { for: id }, item.key, item.required ? " (required)" : " (optional)"),
      input,
      h("p", { class: "hint", id: describedBy }, hint),
      item.set && h(
        "div",
        {},
        h("button", {
          type: "button",
          class: "secondary",
          onclick: () => saveConfig(entry.id, { [item.key]: null }),
        }, `Unset ${item.key}`),
      ),
    );
  });
  const form = h(
    "form",
    {
      class: "config",
      onsubmit: (event) => {
        event.preventDefault();
        const values = {};
        for (const { item, input } of inputs) {
          const text = input.value;
          if (item.kind === "secret") {
            if (text !== "") values[item.key] = text;
            continue;
          }
          const shown = item.set
            ? (typeof item.value === "string" && item.type !== "array" && item.type !== "object"
              ? item.value
              : JSON.stringify(item.value))
            : "";
          if (text === shown || (text === "" && !item.set)) continue;
          if (text === "") {
            values[item.key] = null;
            continue;
          }
          if (item.kind === "parameter" && item.type && item.type !== "string") {
            try {
              values[item.key] = JSON.parse(text);
            } catch {
              say(`${item.key} must be JSON (${item.type})`, true);
              input.focus();
              return;
            }
          } else values[item.key] = text;
        }
        // Secrets leave the page once: the fields are emptied before the answer comes.
        for (const { item, input } of inputs) if (item.kind === "secret") input.value = "";
        if (Object.keys(values).length === 0) {
          say("Nothing changed.");
          return;
        }
        void saveConfig(entry.id, values);
      },
    },
    fields,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save settings")),
  );
  return h(
    "section",
    { "aria-labelledby": "settings-heading" },
    h("h2", { id: "settings-heading" }, "Settings"),
    entry.config_description && h("p", { class: "hint" }, entry.config_description),
    form,
  );
}

async function saveConfig(id, values) {
  try {
    const result = await api(`/api/entries/${encodeURIComponent(id)}/config`, {
      method: "PUT",
      body: { values },
    });
    say(result.message ?? "Saved.");
  } catch (error) {
    say(error.message, true);
  }
  if (currentRoute().view === "entry") await renderEntry(id, false);
}

// ---- actions on servers --------------------------------------------------------------------

async function add(id, title = id) {
  state.progress.add.set(id, { message: "Starting…" });
  refreshEntryStatus();
  if (currentRoute().view === "running") renderRunning();
  try {
    const result = await api("/api/active", { method: "POST", body: { id } });
    state.failedAdds.delete(id);
    say(`${id} is running with ${result.tools?.length ?? 0} tools.`);
  } catch (error) {
    if (error.message !== "Not signed in") {
      state.failedAdds.set(id, { id, title, error: error.message, at: new Date().toISOString() });
    }
    say(error.message, true);
  } finally {
    state.progress.add.delete(id);
  }
  afterActiveChange();
}

/** Forgets a failed add: it leaves Running and the entry page. */
function dismissFailure(id) {
  state.failedAdds.delete(id);
  afterActiveChange();
}

async function remove(id) {
  try {
    await api(`/api/active/${encodeURIComponent(id)}`, { method: "DELETE" });
    say(`${id} stopped; its tools are gone.`);
  } catch (error) {
    say(error.message, true);
  }
  state.active = state.active.filter((a) => a.id !== id);
  afterActiveChange();
}

async function restart(id) {
  state.progress.add.set(id, { message: "Restarting…" });
  refreshEntryStatus();
  try {
    await api(`/api/active/${encodeURIComponent(id)}/restart`, { method: "POST", body: {} });
    say(`${id} restarted.`);
  } catch (error) {
    say(error.message, true);
  } finally {
    state.progress.add.delete(id);
  }
  afterActiveChange();
}

function afterActiveChange() {
  runningCount.textContent = state.active.length ? String(state.active.length) : "";
  const route = currentRoute();
  if (route.view === "running") renderRunning();
  if (route.view === "entry") void renderEntry(route.id, false);
}

function refreshEntryStatus() {
  const block = document.getElementById("entry-status");
  if (!block) return;
  const id = block.dataset.id;
  void api(`/api/entries/${encodeURIComponent(id)}`).then((entry) => {
    const now = document.getElementById("entry-status");
    if (!now || now.dataset.id !== id) return;
    const hadFocus = now.contains(document.activeElement);
    const next = statusBlock(entry);
    now.replaceWith(next);
    if (hadFocus) next.querySelector("button:not(:disabled), a")?.focus();
    document.getElementById("entry-tools")?.replaceWith(toolsSection(entry));
  }).catch(() => {});
}

// ---- running -------------------------------------------------------------------------------

function renderRunning() {
  const open = new Set(
    [...main.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key),
  );
  const focusKey = document.activeElement?.dataset?.key;
  const cards = state.active.map((server) => {
    const progress = state.progress.add.get(server.id);
    return h(
      "article",
      { class: "card", "aria-labelledby": `run-${server.id}` },
      h(
        "h2",
        { id: `run-${server.id}` },
        h("a", { href: `#/entry/${encodeURIComponent(server.id)}` }, server.title),
      ),
      h("p", { class: "id" }, h("code", {}, server.id)),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "State"),
        h("dd", {}, h("span", { class: `badge state-${server.state}` }, server.state)),
        h("dt", {}, "Up"),
        h("dd", {}, h("span", { "data-uptime": server.started_at }, uptime(server.started_at))),
        h("dt", {}, "Tools"),
        h("dd", {}, String(server.tool_count)),
        server.url ? [h("dt", {}, "Remote"), h("dd", {}, h("code", {}, server.url))] : [
          h("dt", {}, "Container"),
          h("dd", {}, h("code", {}, server.container || "none")),
          server.image && [h("dt", {}, "Image"), h("dd", {}, h("code", {}, server.image))],
        ],
        h("dt", {}, "Last error"),
        h("dd", { class: server.last_error ? "error" : "" }, server.last_error ?? "none"),
      ),
      progress && h("p", { class: "hint", role: "status" }, progress.message),
      server.tools.length > 0 && h(
        "details",
        { "data-key": `tools-${server.id}`, open: open.has(`tools-${server.id}`) },
        h(
          "summary",
          { "data-key": `tools-summary-${server.id}` },
          `Tool names (${server.tools.length})`,
        ),
        h("ul", { class: "tools" }, server.tools.map((t) => h("li", {}, h("code", {}, t)))),
      ),
      h(
        "details",
        { "data-key": `stderr-${server.id}`, open: open.has(`stderr-${server.id}`) },
        h(
          "summary",
          { "data-key": `stderr-summary-${server.id}` },
          `Output (stderr, last ${server.stderr.length} lines)`,
        ),
        h("pre", { class: "log" }, server.stderr.join("\n") || "(nothing)"),
      ),
      h(
        "div",
        { class: "actions" },
        h("button", {
          type: "button",
          "data-key": `restart-${server.id}`,
          disabled: progress !== undefined,
          onclick: () => restart(server.id),
        }, "Restart"),
        h("button", {
          type: "button",
          class: "danger",
          "data-key": `remove-${server.id}`,
          onclick: () => remove(server.id),
        }, `Remove ${server.id}`),
      ),
    );
  });
  const failed = [...state.failedAdds.values()]
    .filter((f) => !state.active.some((a) => a.id === f.id))
    .map((f) => failedCard(f, state.progress.add.get(f.id)));
  const heading = main.querySelector("h1");
  put(
    main,
    h("h1", { tabindex: heading ? "-1" : undefined }, "Running servers"),
    failed,
    cards.length ? cards : failed.length ? [] : h(
      "p",
      {},
      "No server is active. Find one in the ",
      h("a", { href: "#/catalog" }, "catalog"),
      " and add it.",
    ),
  );
  if (focusKey) main.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

/** A start this page asked for that failed: its error, and buttons to try again or dismiss. */
function failedCard(failed, progress) {
  return h(
    "article",
    { class: "card", "aria-labelledby": `failed-${failed.id}` },
    h(
      "h2",
      { id: `failed-${failed.id}` },
      h("a", { href: `#/entry/${encodeURIComponent(failed.id)}` }, failed.title),
    ),
    h("p", { class: "id" }, h("code", {}, failed.id)),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "State"),
      h("dd", {}, h("span", { class: "badge state-failed" }, "failed to start")),
      h("dt", {}, "Tried"),
      h("dd", {}, time(failed.at)),
      h("dt", {}, "Error"),
      h("dd", { class: "error" }, failed.error),
    ),
    progress && h("p", { class: "hint", role: "status" }, progress.message),
    h(
      "div",
      { class: "actions" },
      h("button", {
        type: "button",
        "data-key": `retry-${failed.id}`,
        disabled: progress !== undefined,
        onclick: () => add(failed.id, failed.title),
      }, `Try ${failed.id} again`),
      h("button", {
        type: "button",
        class: "secondary",
        "data-key": `dismiss-${failed.id}`,
        onclick: () => dismissFailure(failed.id),
      }, `Dismiss ${failed.id}`),
    ),
  );
}

setInterval(() => {
  for (const el of document.querySelectorAll("[data-uptime]")) {
    el.textContent = uptime(el.dataset.uptime);
  }
}, 1000);

// ---- sources -------------------------------------------------------------------------------

function renderSources() {
  const focusKey = document.activeElement?.dataset?.key;
  const cards = state.sources.map((source) => {
    const progress = source.progress ?? state.progress.refresh.get(source.name);
    const note = state.refreshNotes.get(source.name);
    return h(
      "article",
      { class: "card", "aria-labelledby": `src-${source.name}` },
      h("h2", { id: `src-${source.name}` }, source.name),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Location"),
        h("dd", {}, h("code", {}, source.location)),
        h("dt", {}, "Entries"),
        h(
          "dd",
          {},
          String(source.entries),
          source.entries_with_warnings ? ` (${source.entries_with_warnings} with warnings)` : "",
        ),
        h("dt", {}, "Serving"),
        h("dd", {}, source.serving),
        h("dt", {}, "Last refresh"),
        h("dd", {}, time(source.last_refresh)),
        h("dt", {}, "Next refresh"),
        h("dd", {}, time(source.next_refresh)),
        h("dt", {}, "Last error"),
        h("dd", { class: source.last_error ? "error" : "" }, source.last_error ?? "none"),
        source.load_errors.length > 0 && [
          h("dt", {}, "Files skipped"),
          h("dd", {}, source.load_errors.slice(0, 5).join("\n")),
        ],
      ),
      source.refreshing && h(
        "div",
        { role: "status" },
        h("p", {}, `Refreshing: ${progress?.message ?? "started"}`),
        h("progress", {
          value: progress?.total ? String(progress.done ?? 0) : undefined,
          max: progress?.total ? String(progress.total) : undefined,
          "aria-label": `Refresh of ${source.name}`,
        }),
      ),
      note && h("p", { class: note.bad ? "error" : "hint" }, note.text),
      h(
        "div",
        { class: "actions" },
        h("button", {
          type: "button",
          "data-key": `refresh-${source.name}`,
          disabled: source.refreshing,
          onclick: () => refresh(source.name),
        }, `Refresh ${source.name}`),
        source.next_manual_refresh &&
          h(
            "span",
            { class: "hint" },
            "Refreshed recently; next allowed ",
            time(source.next_manual_refresh),
          ),
      ),
    );
  });
  put(main, h("h1", {}, "Sources"), cards.length ? cards : h("p", {}, "Loading…"));
  if (focusKey) main.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

async function refresh(name) {
  state.refreshNotes.delete(name);
  try {
    const result = await api(`/api/sources/${encodeURIComponent(name)}/refresh`, {
      method: "POST",
      body: {},
    });
    const r = result.results?.[0];
    if (r?.status === "rate_limited") {
      state.refreshNotes.set(name, {
        text: `Not refreshed: refreshed less than the cooldown ago; next allowed ${
          ago(r.next_allowed)
        }.`,
        bad: true,
      });
    } else {
      state.refreshNotes.set(name, { text: "Refresh started.", bad: false });
    }
  } catch (error) {
    state.refreshNotes.set(name, { text: error.message, bad: true });
  }
  state.sources = await api("/api/sources").catch(() => state.sources);
  if (currentRoute().view === "sources") renderSources();
}

// ---- live updates --------------------------------------------------------------------------

function connect() {
  const events = new EventSource("/api/events");
  events.onopen = () => {
    live.textContent = "Live";
    live.classList.add("on");
  };
  events.onerror = () => {
    live.textContent = "Reconnecting…";
    live.classList.remove("on");
  };
  events.addEventListener("active", (event) => {
    state.active = JSON.parse(event.data);
    for (const a of state.active) if (a.state === "running") state.failedAdds.delete(a.id);
    runningCount.textContent = state.active.length ? String(state.active.length) : "";
    const route = currentRoute();
    if (route.view === "running") renderRunning();
    if (route.view === "entry") refreshEntryStatus();
  });
  events.addEventListener("sources", (event) => {
    state.sources = JSON.parse(event.data);
    for (const s of state.sources) {
      if (!s.refreshing && state.progress.refresh.has(s.name)) {
        state.progress.refresh.delete(s.name);
        const note = state.refreshNotes.get(s.name);
        if (note && !note.bad) {
          state.refreshNotes.set(s.name, {
            text: s.last_error
              ? `Refresh failed: ${s.last_error}`
              : `Refreshed: ${s.entries} entries.`,
            bad: Boolean(s.last_error),
          });
        }
      }
    }
    if (currentRoute().view === "sources") renderSources();
  });
  events.addEventListener("catalog", (event) => {
    const { generation } = JSON.parse(event.data);
    const changed = state.generation !== null && state.generation !== generation;
    state.generation = generation;
    if (changed && currentRoute().view === "catalog" && catalogShell) {
      void loadResults(currentRoute().params);
    }
  });
  events.addEventListener("progress", (event) => {
    const progress = JSON.parse(event.data);
    if (progress.kind === "refresh") {
      state.progress.refresh.set(progress.id, progress);
      // The sources event says whether it still runs; the last message may come after it ends.
      const source = state.sources.find((s) => s.name === progress.id);
      if (source?.refreshing) {
        source.progress = progress;
        if (currentRoute().view === "sources") renderSources();
      }
    } else if (state.progress.add.has(progress.id)) {
      state.progress.add.set(progress.id, progress);
      const status = document.querySelector(
        `#entry-status[data-id="${CSS.escape(progress.id)}"] [role="status"]`,
      );
      if (status) status.textContent = progress.message;
      else if (currentRoute().view === "running") renderRunning();
    }
  });
}

addEventListener("hashchange", render);
render();
connect();
