/** The registry's version, as reported to clients and in status. Keep in step with deno.json. */
export const VERSION = "0.1.0";
