import { deepEqual, equal } from "node:assert/strict";
import { bucketOf, closeWords, editDistance, type WordsByLength } from "./_typos.ts";

Deno.test("editDistance() counts a swap as one edit and stops past max", () => {
  equal(editDistance("postgress", "postgres", 2), 1);
  equal(editDistance("kuberentes", "kubernetes", 2), 1);
  equal(editDistance("playwrite", "schemas", 2), 3);
});

Deno.test("closeWords() gives the processed term of the nearest written word", () => {
  const words: WordsByLength = new Map();
  for (const [word, term] of [["postgres", "postgr"], ["posters", "poster"]] as const) {
    const key = bucketOf(word);
    words.set(key, [...(words.get(key) ?? []), [word, term]]);
  }
  deepEqual(closeWords("postgress", words), ["postgr"]);
  deepEqual(closeWords("playwrite", words), []);
});
