// An entry's settings form: parameters and environment values shown as stored, secrets typed
// into password fields, sent once and never shown again.
import { html, useState } from "./preact_htm.js";
import { say } from "./state.js";

/** The text a field starts with: what is stored (secrets: nothing). */
function shown(item) {
  if (item.kind === "secret" || !item.set) return "";
  const json = item.type === "array" || item.type === "object";
  return typeof item.value === "string" && !json ? item.value : JSON.stringify(item.value);
}

function hint(item) {
  return [
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
}

/**
 * What changed in the form, as `registry-config-set` values (null unsets), or a problem with
 * the key it is about.
 */
function changes(items, texts) {
  const values = {};
  for (const [i, item] of items.entries()) {
    const text = texts[i];
    if (item.kind === "secret") {
      if (text !== "") values[item.key] = text;
      continue;
    }
    if (text === shown(item) || (text === "" && !item.set)) continue;
    if (text === "") {
      values[item.key] = null;
    } else if (item.kind === "parameter" && item.type && item.type !== "string") {
      try {
        values[item.key] = JSON.parse(text);
      } catch {
        return { problem: `${item.key} must be JSON (${item.type})`, at: i };
      }
    } else values[item.key] = text;
  }
  return { values };
}

/** The settings of `entry`; `save(values)` stores them. */
export function Settings({ entry, save }) {
  const items = entry.config;
  const [texts, setTexts] = useState(() => items.map(shown));
  if (items.length === 0) {
    return html`
      <section>
        <h2>Settings</h2>
        <p class="hint">It declares no settings.</p>
      </section>
    `;
  }
  const submit = (event) => {
    event.preventDefault();
    const { values, problem, at } = changes(items, texts);
    if (problem) {
      say(problem, true);
      document.getElementById(`setting-${at}`)?.focus();
      return;
    }
    // Secrets leave the page once: the fields are emptied before the answer comes.
    setTexts(texts.map((text, i) => items[i].kind === "secret" ? "" : text));
    if (Object.keys(values).length === 0) {
      say("Nothing changed.");
      return;
    }
    void save(values);
  };
  return html`
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      ${entry.config_description && html`<p class="hint">${entry.config_description}</p>`}
      <form class="config" onSubmit=${submit}>
        ${items.map((item, i) =>
          html`
            <${Setting} key=${item.key} item=${item} id=${`setting-${i}`} text=${texts[i]}
              onInput=${(text) => setTexts((all) => all.map((t, j) => j === i ? text : t))}
              unset=${() => save({ [item.key]: null })} />
          `
        )}
        <div class="actions"><button type="submit">Save settings</button></div>
      </form>
    </section>
  `;
}

function Setting({ item, id, text, onInput, unset }) {
  const described = `${id}-hint`;
  const input = (event) => onInput(event.target.value);
  let field;
  if (item.kind === "secret") {
    field = html`
      <input id=${id} type="password" autocomplete="new-password" spellcheck="false"
        placeholder=${item.set ? "set: type a new value to replace it" : "not set"}
        aria-describedby=${described} value=${text} onInput=${input} />
    `;
  } else if (item.type === "array" || item.type === "object") {
    field = html`
      <textarea id=${id} rows="3" spellcheck="false" aria-describedby=${described}
        placeholder=${item.example ?? "JSON"} value=${text} onInput=${input} />
    `;
  } else {
    field = html`
      <input id=${id} spellcheck="false" placeholder=${item.example ?? ""}
        type=${item.type === "number" || item.type === "integer" ? "number" : "text"}
        aria-describedby=${described} value=${text} onInput=${input} />
    `;
  }
  return html`
    <div class="setting">
      <label for=${id}>${item.key}${item.required ? " (required)" : " (optional)"}</label>
      ${field}
      <p class="hint" id=${described}>${hint(item)}</p>
      ${item.set && html`
        <div>
          <button type="button" class="secondary" onClick=${unset}>${`Unset ${item.key}`}</button>
        </div>
      `}
    </div>
  `;
}
