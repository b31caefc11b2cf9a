/**
 * What this machine says of another process: from /proc when we may read it, else from `ps`
 * (macOS, and the permission-scoped binary: Deno lets only `--allow-all` read /proc). Where
 * neither answers, a process cannot be judged, and callers must then treat it as alive: better
 * to keep a lock or a container than to take one from a registry that still runs.
 *
 * A start time says where it came from: clock ticks from /proc (`"123456"`), or `ps:` and the
 * start date `ps` prints. A time of one kind is only ever compared with a time of that kind.
 *
 * @module
 */

/**
 * The start time of process `pid`; null when it is gone; undefined when this machine cannot
 * tell (no /proc we may read and no `ps` we may run).
 */
export function processStartTime(pid: number): string | null | undefined {
  const fromProc = procStartTime(pid);
  return fromProc !== undefined ? fromProc : psStartTime(pid);
}

/**
 * True unless the machine says the process is gone, or (with `startTime`) that its pid now
 * belongs to a process started at another time.
 */
export function processAlive(pid: number, startTime?: string): boolean {
  const actual = startTime?.startsWith("ps:")
    ? psStartTime(pid)
    : startTime !== undefined
    ? procStartTime(pid)
    : processStartTime(pid);
  if (actual === undefined) return true;
  return actual !== null && (startTime === undefined || actual === startTime);
}

/** Ticks since boot from /proc; null: gone; undefined: no /proc we may read. */
function procStartTime(pid: number): string | null | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name (field 2) may hold spaces; the fields after its closing paren are plain.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return hasProc() ? null : undefined;
    return undefined; // NotCapable (scoped permissions) or no /proc at all
  }
}

/** `ps:<start date>`; null: gone; undefined: `ps` cannot be run. */
function psStartTime(pid: number): string | null | undefined {
  try {
    const out = new Deno.Command("ps", {
      args: ["-o", "lstart=", "-p", String(pid)],
      env: { LC_ALL: "C" },
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const text = new TextDecoder().decode(out.stdout).trim().replace(/\s+/g, " ");
    return out.success && text ? `ps:${text}` : out.code === 1 ? null : undefined;
  } catch {
    return undefined;
  }
}

function hasProc(): boolean {
  try {
    Deno.statSync("/proc/self");
    return true;
  } catch {
    return false;
  }
}
