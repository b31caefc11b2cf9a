/**
 * STUB: being written.
 *
 * @module
 */
import type { Command } from "./cli.ts";
import { EXIT } from "./_io.ts";

export const uiCommand: Command = {
  name: "ui",
  summary: "not yet",
  usage: "Usage: mcp-registry ui (not yet)",
  run: (_args, out) => {
    out.note("not yet");
    return Promise.resolve(EXIT.failed);
  },
};
