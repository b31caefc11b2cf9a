import { deepEqual, equal } from "node:assert/strict";
import { bucketOf, closeWords, editDistance, type WordsByLength, wordsFrom } from "./_typos.ts";

Deno.test("editDistance() counts a swap as one edit and stops past max", () => {
  equal(editDistance("postgress", "postgres", 2), 1);
  equal(editDistance("kuberentes", "kubernetes", 2), 1);
  equal(editDistance("playwrite", "schemas", 2), 3);
});

Deno.test("closeWords() gives the processed term of the nearest written word", () => {
  const words: WordsByLength = new Map();
  for (const [word, term] of [["postgres", "postgr"], ["posters", "poster"]] as const) {
    const key = bucketOf(word);
    words.set(key, [...(words.get(key) ?? []), word, term]);
  }
  deepEqual(closeWords("postgress", words), ["postgr"]);
  deepEqual(closeWords("playwrite", words), []);
});

Deno.test("stored typo lists read back as word and term pairs; other shapes are refused", () => {
  const stored = [["8p", ["postgres", "postgr", "postings", "postings"]]];
  const words = wordsFrom(JSON.parse(JSON.stringify(stored)))!;
  deepEqual(words.get("8p"), ["postgres", "postgr", "postings", "postings"]);
  deepEqual(closeWords("postgress", words), ["postgr"]);
  for (const bad of [null, [["8p", ["odd"]]], [["8p", [["postgres", "postgr"]]]], [[8, []]]]) {
    equal(wordsFrom(bad), null, JSON.stringify(bad));
  }
});
