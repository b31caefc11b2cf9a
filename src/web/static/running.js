// The running view (the active servers with their state, tools and stderr; starts that failed)
// and the actions on servers: add, restart, remove, dismiss a failed start.
import { html } from "./preact_htm.js";
import { api, changed, idPath, say, store } from "./state.js";
import { ErrorWithLog, Fact, Time, Uptime, useHeadingFocus } from "./ui.js";

/** The active servers changed: the views that show them follow. */
function activeChanged() {
  store.activeChanges++;
  changed();
}

/**
 * Starts server `id` (`registry-add`); a failure stays in Running until dismissed. A server
 * built from source answers with the plan instead (nothing built): the entry shows it with a
 * "Build and start" button, which calls this again with `build` true.
 */
export async function add(id, title = id, { build = false } = {}) {
  store.progress.add.set(id, { message: build ? "Building…" : "Starting…" });
  changed();
  try {
    const body = build ? { id, build: true } : { id };
    const result = await api("/api/active", { method: "POST", body });
    store.failedAdds.delete(id);
    if (result.status === "needs-build") {
      store.buildPlans.set(id, result.build);
      say(`${id} is built from source: see what the build would run, then decide.`);
    } else {
      store.buildPlans.delete(id);
      say(`${id} is ${build ? "built and " : ""}running with ${result.tools?.length ?? 0} tools.`);
    }
  } catch (error) {
    store.buildPlans.delete(id);
    if (error.message !== "Not signed in") {
      store.failedAdds.set(id, { id, title, error: error.message, at: new Date().toISOString() });
    }
    // A failed build's message is long (its last lines): the toast keeps the first line.
    const [first, ...more] = error.message.split("\n");
    say(more.length ? `${first} (the whole message is on the entry and in Running)` : first, true);
  } finally {
    store.progress.add.delete(id);
  }
  activeChanged();
}

/** Forgets a failed add: it leaves Running and the entry page. */
export function dismissFailure(id) {
  store.failedAdds.delete(id);
  activeChanged();
}

/** Stops server `id` (`registry-remove`). */
export async function remove(id) {
  try {
    await api(idPath("/api/active", id), { method: "DELETE" });
    say(`${id} stopped; its tools are gone.`);
  } catch (error) {
    say(error.message, true);
  }
  store.active = store.active.filter((a) => a.id !== id);
  activeChanged();
}

/** Starts server `id` again with its current settings. */
export async function restart(id) {
  store.progress.add.set(id, { message: "Restarting…" });
  changed();
  try {
    await api(idPath("/api/active", id, "/restart"), { method: "POST", body: {} });
    say(`${id} restarted.`);
  } catch (error) {
    say(error.message, true);
  } finally {
    store.progress.add.delete(id);
  }
  activeChanged();
}

/** The running view. */
export function Running() {
  useHeadingFocus("running");
  const failed = [...store.failedAdds.values()]
    .filter((f) => !store.active.some((a) => a.id === f.id));
  const empty = store.active.length === 0 && failed.length === 0;
  return html`
    <h1 tabindex="-1">Running servers</h1>
    ${failed.map((f) => html`<${FailedCard} key=${`failed-${f.id}`} failed=${f} />`)}
    ${store.active.map((server) => html`<${ServerCard} key=${server.id} server=${server} />`)}
    ${empty && html`
      <p>No server is active. Find one in the <a href="#/catalog">catalog</a> and add it.</p>
    `}
  `;
}

/** A server's card: its title (a link to its entry) and id, then `children`. */
function Card({ id, title, heading, children }) {
  return html`
    <article class="card" aria-labelledby=${heading}>
      <h2 id=${heading}><a href=${`#/entry/${encodeURIComponent(id)}`}>${title}</a></h2>
      <p class="id"><code>${id}</code></p>
      ${children}
    </article>
  `;
}

function ServerCard({ server }) {
  const progress = store.progress.add.get(server.id);
  return html`
    <${Card} id=${server.id} title=${server.title} heading=${`run-${server.id}`}>
      <dl class="facts">
        <${Fact} term="State">
          <span class=${`badge state-${server.state}`}>${server.state}</span>
          <//>
          <${Fact} term="Up">
            <${Uptime} since=${server.started_at} />
            <//>
            <${Fact} term="Tools">${String(server.tool_count)}<//>
        ${server.url ? html`<${Fact} term="Remote"><code>${server.url}</code><//>` : html`
          <${Fact} term="Container"><code>${server.container || "none"}</code><//>
          ${server.image && html`<${Fact} term="Image"><code>${server.image}</code><//>`}
        `}
        <${Fact} term="Last error" error=${Boolean(server.last_error)}>
          ${server.last_error ?? "none"}
        <//>
      </dl>
      ${progress && html`<p class="hint" role="status">${progress.message}</p>`}
      ${server.tools.length > 0 && html`
        <details>
          <summary>${`Tool names (${server.tools.length})`}</summary>
          <ul class="tools">${server.tools.map((t) =>
            html`<li key=${t}><code>${t}</code></li>`
          )}</ul>
        </details>
      `}
      <details>
        <summary>${`Output (stderr, last ${server.stderr.length} lines)`}</summary>
        <pre class="log">${server.stderr.join("\n") || "(nothing)"}</pre>
      </details>
      <div class="actions">
        <button type="button" disabled=${progress !== undefined}
          onClick=${() => restart(server.id)}>Restart</button>
        <button type="button" class="danger" onClick=${() => remove(server.id)}>
          ${`Remove ${server.id}`}
        </button>
      </div>
    <//>
  `;
}

/** A start this page asked for that failed: its error, and buttons to try again or dismiss. */
function FailedCard({ failed }) {
  const progress = store.progress.add.get(failed.id);
  return html`
    <${Card} id=${failed.id} title=${failed.title} heading=${`failed-${failed.id}`}>
      <dl class="facts">
        <${Fact} term="State"><span class="badge state-failed">failed to start</span><//>
        <${Fact} term="Tried"><${Time} at=${failed.at} /><//>
        <${Fact} term="Error" error=${true}><${ErrorWithLog} error=${failed.error} /><//>
      </dl>
      ${progress && html`<p class="hint" role="status">${progress.message}</p>`}
      <div class="actions">
        <button type="button" disabled=${progress !== undefined}
          onClick=${() => add(failed.id, failed.title)}>${`Try ${failed.id} again`}</button>
        <button type="button" class="secondary" onClick=${() => dismissFailure(failed.id)}>
          ${`Dismiss ${failed.id}`}
        </button>
      </div>
    <//>
  `;
}
