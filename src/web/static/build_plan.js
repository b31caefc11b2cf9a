// A server built from source: what the build would run (repository, exact commit, what is
// built, the image), shown before a "Build and start" button, so nothing is built without a
// person's click.
import { html } from "./preact_htm.js";
import { add } from "./running.js";
import { changed, store } from "./state.js";
import { Fact } from "./ui.js";

/** The plan the registry answered for `entry`, with the buttons to build it or not. */
export function BuildPlan({ entry, busy }) {
  const plan = store.buildPlans.get(entry.id);
  if (!plan) return null;
  const where = plan.directory ? `${plan.directory}/${plan.file}` : plan.file;
  const pkg = plan.kind === "package";
  const cancel = () => {
    store.buildPlans.delete(entry.id);
    changed();
  };
  return html`
    <section id="build-plan" class="plan" aria-labelledby="build-plan-heading">
      <h3 id="build-plan-heading">
        ${pkg
          ? "Runs the package its repository publishes: nothing runs until you say so"
          : "Built from source: nothing is built until you say so"}
      </h3>
      <p>${pkg ? "It would run:" : "The build would run:"}</p>
      <dl class="facts">
        <${Fact} term="Repository"><code>${plan.repo}</code><//>
        <${Fact} term="Commit"><code>${plan.commit}</code><//>
        ${pkg && plan.package
          ? html`<${Fact} term="Package">
            <code>${`${plan.package.registry}: ${plan.package.name}@${plan.package.version}`}</code>
            ${` (named by ${where})`}
          <//>`
          : plan.kind === "recipe"
          ? html`<${Fact} term="Recipe">
            <code>${plan.file}</code>${
            ` (${plan.recipe ?? "a generated Containerfile"}; ` +
            "built in a container, no host folder)"
          }
          <//>`
          : html`<${Fact} term="Builds">
            <code>${where}</code>${" (podman build; no host folder but the clone)"}
          <//>`}
        ${plan.image && html`<${Fact} term="Image"><code>${plan.image}</code><//>`}
      </dl>
      <div class="actions">
        <button type="button" id="build-button" disabled=${busy}
          onClick=${() => add(entry.id, entry.title, { build: true })}>
          ${pkg ? "Start it" : "Build and start"}
        </button>
        <button type="button" class="secondary" disabled=${busy} onClick=${cancel}>
          ${pkg ? "Do not start" : "Do not build"}
        </button>
      </div>
    </section>
  `;
}
