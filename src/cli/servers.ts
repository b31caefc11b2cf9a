/**
 * STUB: being written.
 *
 * @module
 */
import type { Command } from "./cli.ts";
import { EXIT } from "./_io.ts";

export const addCommand: Command = {
  name: "add",
  summary: "not yet",
  usage: "Usage: mcp-registry add (not yet)",
  run: (_args, out) => {
    out.note("not yet");
    return Promise.resolve(EXIT.failed);
  },
};

export const removeCommand: Command = {
  name: "remove",
  summary: "not yet",
  usage: "Usage: mcp-registry remove (not yet)",
  run: (_args, out) => {
    out.note("not yet");
    return Promise.resolve(EXIT.failed);
  },
};

export const activeCommand: Command = {
  name: "active",
  summary: "not yet",
  usage: "Usage: mcp-registry active (not yet)",
  run: (_args, out) => {
    out.note("not yet");
    return Promise.resolve(EXIT.failed);
  },
};
