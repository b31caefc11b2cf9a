/**
 * Scores a ranking on labelled cases: recall@5 (share of queries with a right answer in the
 * top 5), precision@5 (right answers in the top 5 over the most there could be,
 * min(5, relevant)) and MRR (over the top 10), overall and by kind.
 *
 * @module
 */
import type { SearchCase } from "./search_quality_cases.ts";

/** The figures for a set of cases. */
export interface Score {
  cases: number;
  recallAt5: number;
  precisionAt5: number;
  mrr: number;
  misses: string[];
}

/** Scores `rank` (query → ids, best first) on `cases`. */
export function score(cases: readonly SearchCase[], rank: (query: string) => string[]): Score {
  let hits = 0;
  let precision = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const ids = rank(c.query).slice(0, 10);
    const first = ids.findIndex((id) => c.relevant.includes(id));
    if (first >= 0 && first < 5) hits++;
    else misses.push(`${c.kind} "${c.query}" → ${ids.slice(0, 5).join(", ") || "(nothing)"}`);
    if (first >= 0) reciprocal += 1 / (first + 1);
    const top = ids.slice(0, 5).filter((id) => c.relevant.includes(id)).length;
    precision += top / Math.min(5, c.relevant.length);
  }
  const n = cases.length || 1;
  return {
    cases: cases.length,
    recallAt5: hits / n,
    precisionAt5: precision / n,
    mrr: reciprocal / n,
    misses,
  };
}

/** {@linkcode score} per kind of case, kinds in a fixed order, then "all". */
export function scoreByKind(
  cases: readonly SearchCase[],
  rank: (query: string) => string[],
): Map<string, Score> {
  const byKind = new Map<string, Score>();
  for (const kind of ["task", "name", "vendor", "category", "typo", "tool"] as const) {
    const some = cases.filter((c) => c.kind === kind);
    if (some.length) byKind.set(kind, score(some, rank));
  }
  byKind.set("all", score(cases, rank));
  return byKind;
}

/** A Markdown table of {@linkcode scoreByKind}'s figures. */
export function scoreTable(byKind: Map<string, Score>): string {
  const rows = [...byKind].map(([kind, s]) =>
    `| ${kind} | ${s.cases} | ${s.recallAt5.toFixed(2)} | ${s.precisionAt5.toFixed(2)} | ${
      s.mrr.toFixed(2)
    } |`
  );
  return [
    "| kind | cases | recall@5 | precision@5 | MRR |",
    "| --- | --: | --: | --: | --: |",
    ...rows,
  ]
    .join("\n");
}
