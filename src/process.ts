/**
 * What this machine says of another process, from /proc. Where there is no /proc (macOS), a
 * process cannot be judged, and callers must then treat it as alive: better to keep a lock or a
 * container than to take one from a registry that still runs.
 *
 * @module
 */

/** The start time of process `pid` (clock ticks since boot); null when it is gone; undefined
 * when this machine has no /proc to ask. */
export function processStartTime(pid: number): string | null | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name (field 2) may hold spaces; the fields after its closing paren are plain.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return hasProc() ? null : undefined;
  }
}

/**
 * True unless /proc says the process is gone, or (with `startTime`) that its pid now belongs to
 * a process started at another time.
 */
export function processAlive(pid: number, startTime?: string): boolean {
  const actual = processStartTime(pid);
  if (actual === undefined) return true;
  return actual !== null && (startTime === undefined || actual === startTime);
}

function hasProc(): boolean {
  try {
    Deno.statSync("/proc/self");
    return true;
  } catch {
    return false;
  }
}
