/**
 * Everyday words people use for a task, mapped to the words catalogs use for it (both
 * processed as the index processes words, `_text.ts`). A query word brings these along at a lower weight, so
 * "remember things between chats" meets a "persistent memory" server. Our own list, small on
 * purpose: each line is a gap seen between how people ask and how servers describe themselves.
 *
 * @module
 */
import { processTerm } from "./_text.ts";

/** How much a related word counts against the word the person typed. */
export const RELATED_WEIGHT = 0.5;

const RELATED: Record<string, string> = {
  remember: "memory knowledge persistent",
  memorize: "memory persistent",
  recall: "memory",
  forget: "memory",
  computer: "local filesystem desktop",
  laptop: "local filesystem desktop",
  disk: "filesystem local",
  folder: "filesystem directory",
  file: "filesystem",
  page: "url website html",
  webpage: "url website html fetch",
  website: "url web",
  internet: "web",
  download: "fetch url",
  stay: "airbnb listing accommodation",
  hotel: "airbnb listing accommodation",
  trip: "travel",
  lodging: "airbnb listing",
  weather: "forecast",
  forecast: "weather",
  pull: "pr",
  terminal: "command shell",
  shell: "terminal command",
  ping: "network traceroute",
  stock: "market finance trading",
  bill: "billing cost",
  spend: "cost billing",
  deploy: "deployment hosting infrastructure",
  docs: "documentation",
  documentation: "docs",
  caption: "transcript",
  subtitle: "transcript",
  todo: "task checklist",
  think: "thinking thought reasoning",
  reason: "thinking thought reasoning",
  wiki: "wikipedia",
  chart: "visualization dashboard",
  plot: "visualization chart",
  refund: "payment",
  charge: "payment",
  invoice: "payment billing",
  pay: "payment",
  screenshot: "browser",
  scrape: "crawl extract",
  crawl: "scrape",
  podcast: "audio",
  call: "phone voice",
  phone: "call voice telephony",
  sms: "message",
  dm: "message",
  chat: "message",
  link: "url",
  warehouse: "analytics sql",
  timezone: "time",
  clock: "time",
  picture: "image",
  photo: "image",
  diagram: "draw",
  sheet: "spreadsheet",
  calendar: "event schedule",
  translate: "translation language",
};

/** Query term -> related index terms, both processed as the index processes words. */
const TABLE = new Map<string, string[]>();
for (const [word, related] of Object.entries(RELATED)) {
  const key = processTerm(word);
  if (!key) continue;
  const terms = related.split(" ").map(processTerm).filter((t): t is string => !!t && t !== key);
  TABLE.set(key, [...new Set([...(TABLE.get(key) ?? []), ...terms])]);
}

/** The catalog's words for what `term` (a processed query term) asks for; none for most. */
export function relatedTerms(term: string): readonly string[] {
  return TABLE.get(term) ?? [];
}
