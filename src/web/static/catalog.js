// The catalog view: the search agents get, filters with the number of results per value, pages.
import { html, useEffect, useRef, useState } from "./preact_htm.js";
import { api, store, updateSearch } from "./state.js";
import { Badges, LAUNCH, useHeadingFocus } from "./ui.js";

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

/** How long typing pauses before the search runs. */
const TYPING_MS = 250;

/** The catalog: `params` are the search in the address. */
export function Catalog({ params }) {
  const query = params.toString();
  const [text, setText] = useState(params.get("q") ?? "");
  const [answer, setAnswer] = useState(null);
  const timer = useRef(0);
  const seq = useRef(0);
  useHeadingFocus("catalog");

  // Each change of the search, and each new catalog generation, loads the results; an answer
  // that a newer search overtook is dropped.
  useEffect(() => {
    const mine = ++seq.current;
    api(`/api/catalog?${query}`).then(
      (data) => mine === seq.current && setAnswer({ data }),
      (error) => mine === seq.current && setAnswer({ error: error.message }),
    );
  }, [query, store.catalogChanges]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (q) => {
    clearTimeout(timer.current);
    updateSearch({ q, offset: "" });
  };
  return html`
    <div>
      <h1 tabindex="-1">Catalog</h1>
      <form class="search" role="search" onSubmit=${(event) => {
        event.preventDefault();
        search(text);
      }}>
        <div class="field">
          <label for="q">Search the catalog</label>
          <input id="q" type="search" name="q" autocomplete="off" value=${text}
            placeholder="postgres, github issues, web scraping…"
            onInput=${(event) => {
              const q = event.target.value;
              setText(q);
              clearTimeout(timer.current);
              timer.current = setTimeout(() => search(q), TYPING_MS);
            }} />
        </div>
        <button type="submit">Search</button>
      </form>
      <${Filters} data=${answer?.data} params=${params} />
      <${Results} answer=${answer} />
    </div>
  `;
}

function Filters({ data, params }) {
  return html`
    <fieldset class="filters">
      <legend>Filters</legend>
      ${data && FILTERS.map((filter) => {
        const selected = params.get(filter.key) ?? "";
        return html`
          <div class="field" key=${filter.key}>
            <label for=${`filter-${filter.key}`}>${filter.label}</label>
            <select id=${`filter-${filter.key}`}
              onChange=${(event) => updateSearch({ [filter.key]: event.target.value, offset: "" })}>
              <option value="">any</option>
              ${(data.facets[filter.key] ?? []).map((c) =>
                html`<option key=${c.value} value=${c.value} selected=${c.value === selected}>
                  ${`${filter.name(c.value)} (${c.count})`}
                </option>`
              )}
            </select>
          </div>
        `;
      })}
      ${data && html`
        <div class="field">
          <button type="button" class="secondary" disabled=${!FILTERS.some((f) =>
            params.get(f.key)
          )}
            onClick=${() =>
              updateSearch(
                Object.fromEntries([...FILTERS.map((f) => [f.key, ""]), ["offset", ""]]),
              )}>
            Clear filters
          </button>
        </div>
      `}
    </fieldset>
  `;
}

function Results({ answer }) {
  const summary = (text) => html`<h2 id="result-summary" aria-live="polite">${text}</h2>`;
  const list = (items) => html`<ol class="results" aria-labelledby="result-summary">${items}</ol>`;
  if (!answer) return [summary("Searching…"), list(null)];
  if (answer.error) {
    return [summary("The search failed"), list(html`<li class="error">${answer.error}</li>`)];
  }
  const { data } = answer;
  const from = data.total === 0 ? 0 : data.offset + 1;
  const to = data.offset + data.results.length;
  return [
    summary(
      data.total === 0
        ? "No server matches; try other words or fewer filters"
        : data.browsing
        ? `${data.total} servers (official first), ${from}–${to} shown`
        : `${data.total} servers match, best first; ${from}–${to} shown`,
    ),
    list(data.results.map((entry) =>
      html`
        <li key=${entry.id}>
          <h3><a href=${`#/entry/${encodeURIComponent(entry.id)}`}>${entry.title}</a></h3>
          <p class="id"><code>${entry.id}</code></p>
          ${entry.description && html`<p>${entry.description}</p>`}
          <${Badges} entry=${entry} />
        </li>
      `
    )),
    html`
      <nav class="pager" aria-label="Result pages">
        <button type="button" class="secondary" disabled=${data.offset === 0}
          onClick=${() =>
            updateSearch({ offset: String(Math.max(0, data.offset - data.limit)) || "" })}>
          Previous page
        </button>
        <span>${`${from}–${to} of ${data.total}`}</span>
        <button type="button" class="secondary" disabled=${to >= data.total || to >= 1000}
          onClick=${() => updateSearch({ offset: String(data.offset + data.limit) })}>
          Next page
        </button>
      </nav>
    `,
  ];
}
