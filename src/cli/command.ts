/**
 * What a CLI command is. Apart from `cli.ts` (which loads the commands), so that the commands
 * and the dispatcher do not import each other.
 *
 * @module
 */
import type { Output } from "./_io.ts";

/** One command. Its line in the top-level help is in `COMMANDS` (cli.ts), known unloaded. */
export interface Command {
  name: string;
  /** The full `--help` text. */
  usage: string;
  /** Runs it; resolves to the exit code. Throw `UsageError` for bad arguments. */
  run(args: string[], out: Output): Promise<number>;
}
