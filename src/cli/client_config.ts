/**
 * STUB: being written.
 *
 * @module
 */
import type { Command } from "./cli.ts";
import { EXIT } from "./_io.ts";

export const clientConfigCommand: Command = {
  name: "client-config",
  summary: "not yet",
  usage: "Usage: mcp-registry client-config (not yet)",
  run: (_args, out) => {
    out.note("not yet");
    return Promise.resolve(EXIT.failed);
  },
};
