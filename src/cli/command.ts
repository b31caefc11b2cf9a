/**
 * What a CLI command is. Apart from `cli.ts` (which loads the commands), so that the commands
 * and the dispatcher do not import each other.
 *
 * @module
 */
import type { Output } from "./_io.ts";

/** One command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  /** Runs it; resolves to the exit code. Throw `UsageError` for bad arguments. */
  run(args: string[], out: Output): Promise<number>;
}
