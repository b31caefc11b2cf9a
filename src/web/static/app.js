// mcp-registry's page: Preact components written with htm (vendored in preact_htm.js, no build
// step), one module per view. The page listens to the registry's server-sent events
// (`/api/events`) and renders again on every change; Preact keeps the DOM that stays.
import { html, render, useEffect, useState } from "./preact_htm.js";
import { Catalog } from "./catalog.js";
import { Entry } from "./entry.js";
import { Running } from "./running.js";
import { refreshEnded, Sources } from "./sources.js";
import { changed, currentRoute, onChange, store } from "./state.js";

const LIVE = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

function App() {
  const [, rendered] = useState(0);
  useEffect(() => onChange(() => rendered((n) => n + 1)), []);
  const route = currentRoute();
  if (route.view === "catalog") store.lastCatalog = location.hash || "#/catalog";
  const here = route.view === "entry" ? "catalog" : route.view;
  const current = (view) => view === here ? "page" : undefined;
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">mcp-registry</span>
      <nav aria-label="Views">
        <ul>
          <li><a href="#/catalog" aria-current=${current("catalog")}>Catalog</a></li>
          <li>
            <a href="#/running" aria-current=${current("running")}>Running <span
                id="running-count"
                class="count"
              >${store.active.length || null}</span></a>
          </li>
          <li><a href="#/sources" aria-current=${current("sources")}>Sources</a></li>
        </ul>
      </nav>
      <span id="live" class=${store.live === "live" ? "live on" : "live"} role="status">
        ${LIVE[store.live]}
      </span>
    </header>
    <main id="main" tabindex="-1">
      ${store.unauthorized === null ? html`<${View} route=${route} />` : html`
        <h1>Open the page with its address</h1>
        <p>${store.unauthorized}</p>
      `}
    </main>
    <div id="notice" class="notice" role="status" aria-live="polite">
      ${store.notice && html`
        <p class=${store.notice.bad ? "bad" : ""} role=${store.notice.bad ? "alert" : undefined}>
          ${store.notice.message}
        </p>
      `}
    </div>
  `;
}

function View({ route }) {
  switch (route.view) {
    case "entry":
      return html`<${Entry} key=${route.id} id=${route.id} />`;
    case "running":
      return html`<${Running} />`;
    case "sources":
      return html`<${Sources} />`;
    default:
      return html`<${Catalog} params=${route.params} />`;
  }
}

/** Listens to the registry's events; the store follows them. */
function connect() {
  const events = new EventSource("/api/events");
  const on = (name, handle) =>
    events.addEventListener(name, (event) => {
      handle(JSON.parse(event.data));
      changed();
    });
  events.onopen = () => {
    store.live = "live";
    changed();
  };
  events.onerror = () => {
    store.live = "reconnecting";
    changed();
  };
  on("active", (active) => {
    store.active = active;
    for (const a of active) {
      if (a.state !== "running") continue;
      store.failedAdds.delete(a.id);
      store.buildPlans.delete(a.id); // built and started meanwhile (by an agent, say)
    }
    store.activeChanges++;
  });
  on("sources", (sources) => {
    store.sources = sources;
    for (const source of sources) {
      if (source.refreshing || !store.progress.refresh.has(source.name)) continue;
      store.progress.refresh.delete(source.name);
      refreshEnded(source);
    }
  });
  on("catalog", ({ generation }) => {
    if (store.generation !== null && store.generation !== generation) store.catalogChanges++;
    store.generation = generation;
  });
  on("progress", (progress) => {
    if (progress.kind === "refresh") {
      store.progress.refresh.set(progress.id, progress);
      // The sources event says whether it still runs; the last message may come after it ends.
      const source = store.sources.find((s) => s.name === progress.id);
      if (source?.refreshing) source.progress = progress;
    } else if (store.progress.add.has(progress.id)) {
      store.progress.add.set(progress.id, progress);
    }
  });
}

addEventListener("hashchange", changed);
render(html`<${App} />`, document.getElementById("app"));
connect();
