// Small pieces every view uses: how a launch method reads, times and uptimes, safe links, an
// entry's badges, and moving focus to a view's heading. Text from the API always goes into the
// page as text (htm's values), never as HTML.
import { html, useEffect, useRef, useState } from "./preact_htm.js";

export const LAUNCH = {
  podman: "container (podman)",
  "stdio-proxy": "package (npm / PyPI)",
  "remote-http": "remote server",
  build: "built from source (asks first)",
  none: "cannot run (no launch details)",
};

/** An error; when it names a build log, the log's path apart (a file on the registry's machine). */
export function ErrorWithLog({ error }) {
  const log = /\(whole log: ([^)\n]+)\)\s*$/.exec(error)?.[1];
  return html`
    ${log ? error.slice(0, error.lastIndexOf("(whole log:")).trimEnd() : error}
    ${log && html`
      <span class="log-hint">
        ${"The whole build log is on the registry's machine: "}<code>${log}</code>
      </span>
    `}
  `;
}

/** "5 min ago", "in 2 h 3 min". */
export function ago(iso) {
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

/** A moment as "… ago", the exact time on hover. */
export function Time({ at }) {
  return at ? html`<time datetime=${at} title=${at}>${ago(at)}</time>` : "never";
}

/** How long since `iso`: "42 s", "3 min 5 s", "2 h 10 min". */
export function uptime(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** An uptime that counts on by itself. */
export function Uptime({ since }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return html`<span>${uptime(since)}</span>`;
}

/** A link when `url` is http(s), plain text otherwise. */
export function SafeLink({ url, text }) {
  return /^https?:\/\//i.test(url ?? "")
    ? html`<a href=${url} rel="noopener noreferrer" target="_blank">${text ?? url}</a>`
    : (text ?? url ?? "");
}

/** An entry's properties as badges. */
export function Badges({ entry }) {
  return html`
    <ul class="badges" aria-label="Properties">
      <li class=${`badge${entry.launch_method === "none" ? " warn" : ""}`}>
        ${LAUNCH[entry.launch_method]}
      </li>
      ${entry.official && html`<li class="badge good">official</li>`}
      ${entry.featured && html`<li class="badge">featured</li>`}
      ${entry.requires_api_key && html`<li class="badge warn">needs an API key</li>`}
      ${entry.run_mark?.state === "verified" &&
        html`<li class="badge good" title=${`started here ${entry.run_mark.at}`}>
          started here ${entry.run_mark.at.slice(0, 10)}
        </li>`}
      ${entry.run_mark?.state === "failed" &&
        html`<li class="badge warn" title=${entry.run_mark.reason ?? ""}>
          failed here ${entry.run_mark.at.slice(0, 10)}
        </li>`}
      ${entry.tools_known && html`<li class="badge">${entry.tools.length} tools</li>`}
      <li class="badge">from ${entry.sources.join(", ")}</li>
    </ul>
  `;
}

/** A term and its description in a facts list (`<dl class="facts">`). */
export function Fact({ term, error = false, children }) {
  return html`
    <dt>${term}</dt>
    <dd class=${error ? "error" : undefined}>${children}</dd>
  `;
}

/** False until the first view is drawn: a page just opened keeps focus at its start. */
let drawn = false;

/**
 * Moves focus to the view's heading when the view `key` is drawn (`ready`), for keyboard and
 * screen reader users; not on the page's first view.
 */
export function useHeadingFocus(key, ready = true) {
  const focused = useRef(null);
  useEffect(() => {
    if (!ready || focused.current === key) return;
    focused.current = key;
    if (!drawn) {
      drawn = true;
      return;
    }
    document.querySelector("main h1")?.focus({ preventScroll: false });
  }, [key, ready]);
}
