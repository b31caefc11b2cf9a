/**
 * STUB: being written.
 *
 * @module
 */
import type { Command } from "./cli.ts";
import { EXIT } from "./_io.ts";

export const doctorCommand: Command = {
  name: "doctor",
  summary: "not yet",
  usage: "Usage: mcp-registry doctor (not yet)",
  run: (_args, out) => {
    out.note("not yet");
    return Promise.resolve(EXIT.failed);
  },
};
