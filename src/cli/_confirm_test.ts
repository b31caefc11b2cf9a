import { equal, rejects } from "node:assert/strict";
import { confirm, isYes } from "./_confirm.ts";

/** A terminal on stdin that delivers `chunks`, one per read, then end of input. */
function terminal(...chunks: string[]) {
  const queue = chunks.map((c) => new TextEncoder().encode(c));
  return {
    isTerminal: () => true,
    read(buffer: Uint8Array): Promise<number | null> {
      const next = queue.shift();
      if (!next) return Promise.resolve(null);
      buffer.set(next);
      return Promise.resolve(next.length);
    },
  };
}

async function answer(...chunks: string[]): Promise<{ yes: boolean; shown: string }> {
  let shown = "";
  const yes = await confirm("Build and start it?", {
    stdin: terminal(...chunks),
    prompt: (text) => shown += text,
  });
  return { yes, shown };
}

Deno.test("confirm() asks with [y/N] and takes y or yes, in any case, as a yes", async () => {
  for (const typed of [["y\n"], ["Y\n"], ["yes\n"], [" YES \r\n"], ["y"], ["ye", "s\n"]]) {
    const { yes, shown } = await answer(...typed);
    equal(yes, true, JSON.stringify(typed));
    equal(shown, "Build and start it? [y/N] " + (typed.at(-1)!.includes("\n") ? "" : "\n"));
  }
});

Deno.test("confirm() takes anything else, an empty line and Ctrl-D as a no", async () => {
  for (const typed of [["\n"], ["n\n"], ["no\n"], ["yess\n"], ["nope y\n"], []]) {
    equal((await answer(...typed)).yes, false, JSON.stringify(typed));
  }
  // Only the first line counts: a "y" typed ahead on the next line is no answer to this one.
  equal((await answer("\ny\n")).yes, false);
  // Ctrl-D ends the line the prompt was on.
  equal((await answer()).shown, "Build and start it? [y/N] \n");
});

Deno.test("confirm() refuses to ask when stdin is no terminal", async () => {
  await rejects(
    confirm("Build?", { stdin: { ...terminal("y\n"), isTerminal: () => false } }),
    /needs a terminal/,
  );
  equal(isYes("yes"), true);
  equal(isYes("yes please"), false);
});
