/**
 * What a person or an agent set for one server: the values the catalog's declared settings take.
 * Types only; `store/config_store.ts` keeps them, `runtime/` fills templates with them.
 *
 * @module
 */

/**
 * One server's configuration. Secrets are keyed by their catalog name; those named like a
 * credential appear in `params` and `env` as well (where templates and env items read them).
 */
export interface ServerConfig {
  params: Record<string, unknown>;
  env: Record<string, string>;
  secrets: Record<string, string>;
}

/** What to change: `undefined` or `null` removes a key. */
export interface ConfigPatch {
  params?: Record<string, unknown>;
  env?: Record<string, string | null>;
  secrets?: Record<string, string | null>;
}
