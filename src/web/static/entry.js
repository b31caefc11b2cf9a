// An entry of the catalog: what it is, whether it runs (add, restart, remove), how it runs,
// its settings and its tools.
import { html, useEffect, useState } from "./preact_htm.js";
import { BuildPlan } from "./build_plan.js";
import { add, dismissFailure, remove, restart } from "./running.js";
import { Settings } from "./settings.js";
import { api, idPath, say, store } from "./state.js";
import {
  Badges,
  ErrorWithLog,
  Fact,
  LAUNCH,
  SafeLink,
  Time,
  Uptime,
  useHeadingFocus,
} from "./ui.js";

/** The entry `id`: loaded again when the active servers change or its settings were saved. */
export function Entry({ id }) {
  const [answer, setAnswer] = useState(null);
  /** Bumped when settings were saved: the form starts again from what is stored. */
  const [saved, setSaved] = useState(0);
  useHeadingFocus(id, answer !== null);

  const load = () => api(idPath("/api/entries", id));
  useEffect(() => {
    let current = true;
    load().then(
      (entry) => current && setAnswer({ entry }),
      (error) => current && setAnswer((last) => last?.entry ? last : { error: error.message }),
    );
    return () => current = false;
  }, [id, store.activeChanges]);

  const save = async (values) => {
    try {
      const result = await api(idPath("/api/entries", id, "/config"), {
        method: "PUT",
        body: { values },
      });
      say(result.message ?? "Saved.");
    } catch (error) {
      say(error.message, true);
    }
    const entry = await load().catch(() => null);
    if (entry) setAnswer({ entry });
    setSaved((n) => n + 1);
  };

  const back = html`<p><a href=${store.lastCatalog}>← Back to the catalog</a></p>`;
  if (answer === null) return back;
  if (answer.error) {
    return html`${back}<h1 tabindex="-1">${id}</h1><p class="error">${answer.error}</p>`;
  }
  const { entry } = answer;
  return html`
    ${back}
    <h1 tabindex="-1">${entry.title}</h1>
    <p class="id"><code>${entry.id}</code></p>
    <${Badges} entry=${entry} />
    <p class="description">${entry.description || "No description."}</p>
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <${Status} entry=${entry} />
    </section>
    <section aria-labelledby="run-heading">
      <h2 id="run-heading">How it runs</h2>
      <${HowItRuns} entry=${entry} />
    </section>
    <${Settings} key=${saved} entry=${entry} save=${save} />
    <${Tools} entry=${entry} />
    ${entry.warnings.length > 0 && html`
      <section>
        <h2>What the source got wrong</h2>
        <ul>${entry.warnings.map((w) => html`<li>${w}</li>`)}</ul>
      </section>
    `}
  `;
}

function HowItRuns({ entry }) {
  const { launch } = entry;
  const pkg = launch.package;
  return html`
    <dl class="facts">
      <${Fact} term="Runs as">${LAUNCH[launch.method]}<//>
      ${launch.image && html`<${Fact} term="Image"><code>${launch.image}</code><//>`}
      ${launch.build && html`
        <${Fact} term="Built from">
          <code>${launch.build.repo}</code>
          ${launch.build.directory ? ` (folder ${launch.build.directory})` : ""}
          ${launch.build.commit
            ? html`${" at commit "}<code>${launch.build.commit}</code>`
            : " at the newest commit of its default branch when it builds"}
        <//>
      `}
      ${pkg && html`
        <${Fact} term="Package">
          <code>${`${pkg.registry}: ${pkg.name}${pkg.version ? `@${pkg.version}` : ""}`}</code>
          <//>
      `}
      ${launch.remote && html`
        <${Fact} term="Remote URL">
          <code>${launch.remote.url}</code>${` (${launch.remote.transport})`}
        <//>
      `}
      ${entry.repo_url && html`
        <${Fact} term="Repository">
          <${SafeLink} url=${entry.repo_url} />
          ${entry.repo_subfolder ? ` (folder ${entry.repo_subfolder})` : ""}
        <//>
      `}
      ${entry.homepage && html`
        <${Fact} term="Homepage">
          <${SafeLink} url=${entry.homepage} />
          <//>
      `}
      <${Fact} term="Sources">
        <ul class="badges">
          ${entry.sources.map((source) => {
            const link = entry.links.find((l) => l.source === source);
            return html`<li class="badge" key=${source}>
              ${link ? html`<${SafeLink} url=${link.url} text=${source} />` : source}
            </li>`;
          })}
        </ul>
      <//>
      ${entry.categories.length > 0 &&
        html`<${Fact} term="Categories">${entry.categories.join(", ")}<//>`}
      ${entry.tags.length > 0 && html`<${Fact} term="Tags">${entry.tags.join(", ")}<//>`}
    </dl>
  `;
}

/** Whether it runs, and the buttons to add, restart or remove it. */
function Status({ entry }) {
  const active = store.active.find((a) => a.id === entry.id) ?? entry.active;
  const progress = store.progress.add.get(entry.id);
  const failed = store.failedAdds.get(entry.id);
  let body;
  if (active) {
    body = html`
      <p>
        <span class=${`badge state-${active.state}`}>${active.state}</span>
        ${` with ${active.tool_count} tools, up `}<${Uptime} since=${active.started_at} />${". "}
        <a href="#/running">See it in Running</a>
      </p>
      ${active.last_error && html`<p class="error">${`Last error: ${active.last_error}`}</p>`}
      <div class="actions">
        <button type="button" disabled=${progress !== undefined}
          onClick=${() => restart(entry.id)}>Restart</button>
        ${entry.launch.build && html`
          <button type="button" class="secondary" disabled=${progress !== undefined}
            title="Resolve and build it again from its repository (a new commit, unless pinned)"
            onClick=${() => add(entry.id, entry.title, { build: true })}>Build again</button>
        `}
        <button type="button" class="danger" onClick=${() => remove(entry.id)}>Remove</button>
      </div>
    `;
  } else if (entry.launch_method === "none" && !entry.launch.build) {
    body = html`
      <p>The sources describe this server but not how to run it, so it cannot be added.</p>
    `;
  } else {
    body = html`
      <p>Not running.</p>
      ${failed && html`
        <p class="error">
          The last start failed (<${Time} at=${failed.at} />): <${ErrorWithLog} error=${failed
            .error} />
        </p>
        <button type="button" class="secondary" onClick=${() => dismissFailure(entry.id)}>
          Dismiss this error
        </button>
      `}
      ${entry.missing.length > 0 &&
        html`<p class="hint">${`Set ${entry.missing.join(", ")} below before adding it.`}</p>`}
      <${BuildPlan} entry=${entry} busy=${progress !== undefined} />
      ${!store.buildPlans.has(entry.id) && html`
        <div class="actions">
          <button type="button" id="add-button"
            disabled=${entry.missing.length > 0 || progress !== undefined}
            onClick=${() => add(entry.id, entry.title)}>Add (start it)</button>
        </div>
      `}
    `;
  }
  return html`
    <div id="entry-status">
      ${body}
      ${progress && html`<p class="hint" role="status">${progress.message}</p>`}
    </div>
  `;
}

/**
 * The tools the catalog lists; when it lists none and the server runs, the ones the running
 * server announced (most catalog entries list none).
 */
function Tools({ entry }) {
  const running = entry.tool_details.length === 0 && entry.running_tools?.length > 0;
  const tools = running ? entry.running_tools : entry.tool_details;
  return html`
    <section id="entry-tools" aria-labelledby="tools-heading">
      <h2 id="tools-heading">Tools (${tools.length})</h2>
      ${running && html`
        <p class="hint">
          The catalog lists none; these are the ones the running server announced.
        </p>
      `}
      ${tools.length
        ? html`
          <ul class="tools">
            ${tools.map((t) =>
              html`<li key=${t.name}>
                <code>${t.name}</code>${t.description ? ` — ${t.description.split("\n")[0]}` : ""}
              </li>`
            )}
          </ul>
        `
        : html`
          <p class="hint">
            ${entry.dynamic_tools
              ? "This server announces its tools once it runs."
              : "The sources do not list its tools."}
          </p>
        `}
    </section>
  `;
}
