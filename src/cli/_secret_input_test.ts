import { equal } from "node:assert/strict";
import { LineEditor, readValue } from "./_secret_input.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function typed(...chunks: string[]): LineEditor {
  const editor = new LineEditor();
  for (const chunk of chunks) editor.feed(bytes(chunk));
  return editor;
}

Deno.test("LineEditor ends at Enter, erases with Backspace and ignores arrow keys", () => {
  const editor = typed("abc", "\x7fd\x1b[", "D\x1bOCe\x08f\r", "ignored");
  equal(editor.state, "done");
  equal(editor.text(), "abdf");
});

Deno.test("LineEditor erases a whole UTF-8 character and a whole line", () => {
  equal(typed("pässwörd\x7f\x7f\x7f\n").text(), "pässw");
  equal(typed("wrong\x15right\r").text(), "right");
});

Deno.test("LineEditor cancels on Ctrl-C, and on Ctrl-D only when nothing is typed", () => {
  equal(typed("abc\x03def\r").state, "cancelled");
  equal(typed("\x04").state, "cancelled");
  const ended = typed("abc\x04");
  equal(ended.state, "done");
  equal(ended.text(), "abc");
});

Deno.test("readValue() prompts in raw mode and restores the mode, also when cancelled", async () => {
  for (const [keys, expected] of [["s3cret\r", "s3cret"], ["s3\x03", null]] as const) {
    const modes: boolean[] = [];
    const shown: string[] = [];
    let fed = false;
    const value = await readValue({
      label: "token",
      prompt: (text) => shown.push(text),
      stdin: {
        isTerminal: () => true,
        setRaw: (mode) => void modes.push(mode),
        read: (buffer) => {
          if (fed) return Promise.resolve(null);
          fed = true;
          buffer.set(bytes(keys));
          return Promise.resolve(keys.length);
        },
      },
    });
    equal(value, expected);
    equal(modes.join(), "true,false");
    equal(shown.join(""), "token (typing is hidden): \n", "nothing typed is shown");
  }
});

Deno.test("readValue() takes one piped line without its newline", async () => {
  const piped = (text: string) => ({
    isTerminal: () => false,
    setRaw: () => {},
    read: (() => {
      let done = false;
      return (buffer: Uint8Array) => {
        if (done) return Promise.resolve(null);
        done = true;
        buffer.set(bytes(text));
        return Promise.resolve(bytes(text).length);
      };
    })(),
  });
  equal(await readValue({ label: "t", stdin: piped("abc\r\n") }), "abc");
  equal(await readValue({ label: "t", stdin: piped("abc") }), "abc");
});
