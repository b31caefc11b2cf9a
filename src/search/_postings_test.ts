import { equal, ok } from "node:assert/strict";
import MiniSearch from "minisearch";
import { Postings } from "./_postings.ts";

const boost = { title: 3, text: 1 };
const docs = [
  { id: 0, title: "Slack messages", text: "Send and read Slack messages in channels" },
  { id: 1, title: "Postgres", text: "Query a PostgreSQL database; post messages to a queue" },
  {
    id: 2,
    title: "Playwright browser",
    text: "Drive a browser: pages, screenshots, posting forms",
  },
  { id: 3, title: "Notes", text: "Plain notes, nothing about messaging" },
];

/** The scores `Postings` gives a query of `terms`, summed as MiniSearch sums an OR query. */
function postingScores(
  search: MiniSearch<never>,
  terms: string[],
  options: { prefix: boolean; fuzzy: number | false },
): Map<number, number> {
  const postings = new Postings(search, boost);
  const sums = new Map<number, { score: number; terms: Set<string> }>();
  for (const term of terms) {
    for (const expansion of postings.expand(term, options.prefix, options.fuzzy)) {
      for (const field of postings.fields) {
        const freqs = expansion.postings.get(field.id);
        freqs?.forEach((freq, shortId) => {
          const id = postings.entryOf[shortId]!;
          const sum = sums.get(id) ?? { score: 0, terms: new Set() };
          sum.score += expansion.weight * field.boost *
            postings.bm25(field, shortId, freq, freqs.size);
          sum.terms.add(term);
          sums.set(id, sum);
        });
      }
    }
  }
  return new Map([...sums].map(([id, { score, terms }]) => [id, score * terms.size]));
}

for (
  const [query, options] of [
    ["messages", { prefix: false, fuzzy: false }],
    ["post", { prefix: true, fuzzy: false }],
    ["mesages browser", { prefix: false, fuzzy: 2 }],
    ["po", { prefix: true, fuzzy: 1 }],
  ] as const
) {
  Deno.test(`Postings scores "${query}" as MiniSearch.search() does (built and loaded)`, () => {
    const built = new MiniSearch({ fields: Object.keys(boost) });
    built.addAll(docs);
    const loaded = MiniSearch.loadJS(built.toJSON(), { fields: Object.keys(boost) });
    for (const search of [built, loaded]) {
      const expected = search.search(query, { boost, ...options, combineWith: "OR" });
      const ours = postingScores(search as MiniSearch<never>, query.split(" "), options);
      ok(expected.length > 0);
      equal(ours.size, expected.length, "the same entries match");
      for (const { id, score } of expected) {
        ok(Math.abs(ours.get(id)! - score) < 1e-6 * score, `entry ${id}: ${ours.get(id)} ${score}`);
      }
    }
  });
}
