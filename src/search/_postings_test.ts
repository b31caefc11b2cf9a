import { deepEqual, equal, ok } from "node:assert/strict";
// Test-only: the reference our scoring is checked against, pinned in tests/deno.lock only.
// deno-lint-ignore no-import-prefix
import MiniSearch from "npm:minisearch@7.2.0";
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

/** The scores `postings` gives a query of `terms`, summed as MiniSearch sums an OR query. */
function postingScores(
  postings: Postings,
  terms: string[],
  options: { prefix: boolean; fuzzy: number | false },
): Map<number, number> {
  const sums = new Map<number, { score: number; terms: Set<string> }>();
  for (const term of terms) {
    for (const expansion of postings.expand(term, options.prefix, options.fuzzy)) {
      for (const field of postings.fields) {
        const [start, end] = postings.range(expansion.id, field.id);
        for (let p = start; p < end; p++) {
          const id = postings.doc[p]!;
          const sum = sums.get(id) ?? { score: 0, terms: new Set() };
          sum.score += expansion.weight * field.boost *
            postings.bm25(field, id, postings.freq[p]!, end - start);
          sum.terms.add(term);
          sums.set(id, sum);
        }
      }
    }
  }
  return new Map([...sums].map(([id, { score, terms }]) => [id, score * terms.size]));
}

/** Our postings of `docs` (tokenized as MiniSearch's defaults do), and the same read back. */
function builtAndStored(): Postings[] {
  const text = {
    tokenize: (t: string) => MiniSearch.getDefault("tokenize")(t) as string[],
    processTerm: (t: string) => MiniSearch.getDefault("processTerm")(t) as string,
  };
  const built = Postings.build(
    { length: docs.length, at: (i) => docs[i]! },
    Object.keys(boost),
    text,
    boost,
  );
  const stored = built.toStored();
  return [built, Postings.fromStored({ ...stored, bytes: stored.bytes.slice() }, boost)!];
}

for (
  const [query, options] of [
    ["messages", { prefix: false, fuzzy: false }],
    ["post", { prefix: true, fuzzy: false }],
    ["mesages browser", { prefix: false, fuzzy: 2 }],
    ["po", { prefix: true, fuzzy: 1 }],
  ] as const
) {
  Deno.test(`Postings scores "${query}" as MiniSearch.search() does (built and stored)`, () => {
    const search = new MiniSearch({ fields: Object.keys(boost) });
    search.addAll(docs);
    const expected = search.search(query, { boost, ...options, combineWith: "OR" });
    ok(expected.length > 0);
    for (const postings of builtAndStored()) {
      const ours = postingScores(postings, query.split(" "), options);
      equal(ours.size, expected.length, "the same entries match");
      for (const { id, score } of expected) {
        ok(Math.abs(ours.get(id)! - score) < 1e-6 * score, `entry ${id}: ${ours.get(id)} ${score}`);
      }
    }
  });
}

Deno.test("stored postings that do not fit their terms or fields are refused", () => {
  const stored = builtAndStored()[0]!.toStored();
  equal(Postings.fromStored({ ...stored, terms: stored.terms.slice(1) }, boost), null);
  equal(Postings.fromStored({ ...stored, bytes: stored.bytes.slice(0, -4) }, boost), null);
  equal(Postings.fromStored({ ...stored, fieldIds: { title: 0 } }, boost), null);
  const foreignDoc = stored.bytes.slice();
  // The first posting's entry, past the catalog's end (the header is 24 bytes, then 2
  // averages, then the term starts; entries are 16 bits wide in a catalog this small).
  const terms = stored.terms.length;
  const firstDoc = 24 + 2 * 8 + (terms * 2 + 1) * 4;
  new DataView(foreignDoc.buffer).setUint16(firstDoc, 99, true);
  equal(Postings.fromStored({ ...stored, bytes: foreignDoc }, boost), null);
  equal(Postings.fromStored({ ...stored, bytes: new Uint8Array(8) }, boost), null);
  // A term range that goes down, or does not start at 0, would send a search over billions of
  // postings: refused.
  const startAt = 24 + 2 * 8;
  for (const [k, value] of [[1, 0xfffffff0], [0, 1]] as const) {
    const damaged = stored.bytes.slice();
    new DataView(damaged.buffer).setUint32(startAt + k * 4, value, true);
    equal(Postings.fromStored({ ...stored, bytes: damaged }, boost), null, `start[${k}]`);
  }
  equal(Postings.fromStored({ ...stored, fieldIds: { title: 0, text: 5 } }, boost), null);
  equal(Postings.fromStored({ ...stored, fieldIds: { title: 0, text: 0 } }, boost), null);
  const notStrings = [...stored.terms.slice(0, -1), 7] as unknown as string[];
  equal(Postings.fromStored({ ...stored, terms: notStrings }, boost), null);
});

Deno.test("fuzzy lookups find exactly the terms a brute-force edit distance finds", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const word = () =>
    Array.from({ length: 1 + Math.floor(random() * 9) }, () => "abcde"[Math.floor(random() * 5)])
      .join("");
  const words = Array.from({ length: 400 }, word);
  const many = words.map((w, id) => ({ id, title: w, text: "" }));
  const identity = {
    tokenize: (t: string) => t.split(" ").filter(Boolean),
    processTerm: (t: string) => t,
  };
  const postings = Postings.build(
    { length: many.length, at: (i) => many[i]! },
    ["title", "text"],
    identity,
    boost,
  );
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      }
    }
    return d[a.length]![b.length]!;
  };
  const distinct = [...new Set(words)];
  for (let q = 0; q < 200; q++) {
    const query = word();
    for (const max of [1, 2]) {
      const expected = distinct.filter((w) => w !== query && distance(query, w) <= max).sort();
      const found = postings.expand(query, false, max).filter((e) => e.weight < 1).map((e) =>
        e.term
      )
        .sort();
      deepEqual(found, expected, `${query} within ${max}`);
    }
  }
});

Deno.test("docFreq counts each entry once however many fields hold the term", () => {
  const [postings] = builtAndStored();
  equal(postings!.docFreq("messages"), 2, "entry 0 (title and text) and entry 1 (text)");
  equal(postings!.docFreq("slack"), 1);
  equal(postings!.docFreq("browser"), 1);
  equal(postings!.docFreq("absent"), undefined);
});

Deno.test("past 65,536 entries, entry positions are stored 32 bits wide and read back", () => {
  const count = 70_000;
  const text = {
    tokenize: (t: string) => t.split(" "),
    processTerm: (t: string) => t,
  };
  // Every entry says "common"; only the last says "last" (twice: its count is kept too).
  const at = (i: number) => ({ title: i === count - 1 ? "common last last" : "common" });
  const built = Postings.build({ length: count, at }, ["title"], text, { title: 1 });
  const stored = built.toStored();
  const read = Postings.fromStored({ ...stored, bytes: stored.bytes.slice() }, { title: 1 })!;
  for (const postings of [built, read]) {
    ok(postings.doc instanceof Uint32Array, "16 bits cannot hold 69,999");
    const [expansion] = postings.expand("last", false, false);
    const [start, end] = postings.range(expansion!.id, 0);
    deepEqual([end - start, postings.doc[start], postings.freq[start]], [1, count - 1, 2]);
    const common = postings.expand("common", false, false)[0]!;
    equal(postings.range(common.id, 0)[1] - postings.range(common.id, 0)[0], count);
  }
  ok(builtAndStored()[1]!.doc instanceof Uint16Array, "a small catalog's fit in 16 bits");
});
