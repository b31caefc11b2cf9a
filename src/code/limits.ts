/**
 * The code tool's limits that its schema states: kept apart from the sandbox, which loads only
 * when code first runs.
 *
 * @module
 */

/** The longest code accepted, in characters. */
export const MAX_CODE_CHARS = 100_000;
