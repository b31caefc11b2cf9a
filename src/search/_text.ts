/**
 * Text processing shared by indexing and querying: tokens, stop words and a light stemmer.
 *
 * @module
 */

/** Words that say nothing about which server is wanted. */
const STOP_WORDS = new Set(
  (
    "a an and any are as at be been but by can could do does for from get give has have how i " +
    "if in into is it its let lets like me my need needs of on or our please so some that the " +
    "their them then there these this to us use used uses using want wants was we what when " +
    "where which while who will with without would you your mcp server servers model context " +
    "protocol something thing things able help helps allow allows work works working via " +
    "between about"
  ).split(" "),
);

/** Splits on whitespace and punctuation (`_`, `-`, `.`, `/` included) and on camelCase. */
export function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * Abbreviations and spellings agents use for things catalogs name otherwise, mapped to the
 * stem of the catalog's word.
 */
const ALIASES: Record<string, string> = {
  k8s: "kubernet",
  kube: "kubernet",
  postgresql: "postgre",
  pg: "postgre",
  psql: "postgre",
  gh: "github",
  db: "databas",
  dbs: "databas",
  js: "javascript",
  ts: "typescript",
  py: "python",
  mail: "email",
  "e-mail": "email",
  msg: "messag",
  repo: "repositor",
  repos: "repositor",
};

/** Lowercases, drops stop words and reduces a word to a rough stem (`issues` -> `issu`). */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (STOP_WORDS.has(lower)) return null;
  return ALIASES[lower] ?? stem(lower);
}

/**
 * A deliberately light English stemmer: plural and `-ing`/`-ed` endings, then `-ation` or a
 * final `e`, so that scrape, scraping and scraped meet, and generate and generation. Applied to both the index
 * and the query, so it only has to be consistent, not linguistically right.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("ing") && w.length >= 6) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length >= 6) w = w.slice(0, -2);
  else if (/(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us)$/.test(w) && !(w.endsWith("is") && w.length > 4)) {
    w = w.slice(0, -1);
  }
  if (w.endsWith("ation") && w.length >= 8) w = w.slice(0, -3); // generation -> generat
  else if (w.endsWith("e") && w.length >= 5) w = w.slice(0, -1);
  return w;
}
