// The sources view: each source's entries, last and next refresh and last error, and a refresh
// button that shows the refresh's progress and outcome.
import { html } from "./preact_htm.js";
import { api, changed, idPath, store } from "./state.js";
import { ago, Fact, Time, useHeadingFocus } from "./ui.js";

/** Refreshes source `name` (`registry-refresh` without waiting); the events tell the rest. */
export async function refresh(name) {
  store.refreshNotes.delete(name);
  try {
    const result = await api(idPath("/api/sources", name, "/refresh"), {
      method: "POST",
      body: {},
    });
    const r = result.results?.[0];
    if (r?.status === "rate_limited") {
      store.refreshNotes.set(name, {
        text: `Not refreshed: refreshed less than the cooldown ago; next allowed ${
          ago(r.next_allowed)
        }.`,
        bad: true,
      });
    } else {
      store.refreshNotes.set(name, { text: "Refresh started.", bad: false });
    }
  } catch (error) {
    store.refreshNotes.set(name, { text: error.message, bad: true });
  }
  store.sources = await api("/api/sources").catch(() => store.sources);
  changed();
}

/** A source finished refreshing: what this page said about the refresh becomes its outcome. */
export function refreshEnded(source) {
  const note = store.refreshNotes.get(source.name);
  if (!note || note.bad) return;
  store.refreshNotes.set(source.name, {
    text: source.last_error
      ? `Refresh failed: ${source.last_error}`
      : `Refreshed: ${source.entries} entries.`,
    bad: Boolean(source.last_error),
  });
}

/** The sources view. */
export function Sources() {
  useHeadingFocus("sources");
  return html`
    <h1 tabindex="-1">Sources</h1>
    ${store.sources.length
      ? store.sources.map((source) => html`<${SourceCard} key=${source.name} source=${source} />`)
      : html`<p>Loading…</p>`}
  `;
}

function SourceCard({ source }) {
  const progress = source.progress ?? store.progress.refresh.get(source.name);
  const note = store.refreshNotes.get(source.name);
  const heading = `src-${source.name}`;
  return html`
    <article class="card" aria-labelledby=${heading}>
      <h2 id=${heading}>${source.name}</h2>
      <dl class="facts">
        <${Fact} term="Location"><code>${source.location}</code><//>
        <${Fact} term="Entries">
          ${String(source.entries)}
          ${source.entries_with_warnings ? ` (${source.entries_with_warnings} with warnings)` : ""}
        <//>
        <${Fact} term="Serving">${source.serving}<//>
        <${Fact} term="Last refresh"><${Time} at=${source.last_refresh} /><//>
        <${Fact} term="Next refresh"><${Time} at=${source.next_refresh} /><//>
        <${Fact} term="Last error" error=${Boolean(source.last_error)}>
          ${source.last_error ?? "none"}
        <//>
        ${source.load_errors.length > 0 && html`
          <${Fact} term="Files skipped">${source.load_errors.slice(0, 5).join("\n")}<//>
        `}
      </dl>
      ${source.refreshing && html`
        <div role="status">
          <p>${`Refreshing: ${progress?.message ?? "started"}`}</p>
          <progress aria-label=${`Refresh of ${source.name}`} ...${progress?.total
            ? { value: progress.done ?? 0, max: progress.total }
            : {}} />
        </div>
      `}
      ${note && html`<p class=${note.bad ? "error" : "hint"}>${note.text}</p>`}
      <div class="actions">
        <button type="button" disabled=${source.refreshing} onClick=${() => refresh(source.name)}>
          ${`Refresh ${source.name}`}
        </button>
        ${source.next_manual_refresh && html`
          <span class="hint">
            Refreshed recently; next allowed <${Time} at=${source.next_manual_refresh} />
          </span>
        `}
      </div>
    </article>
  `;
}
