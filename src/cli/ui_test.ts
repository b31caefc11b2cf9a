import { deepEqual, equal } from "node:assert/strict";
import { browserCommand } from "./ui.ts";

Deno.test("`browserCommand()` opens a browser only where there is a desktop", () => {
  const none = () => undefined;
  equal(browserCommand("linux", none), null, "no DISPLAY nor WAYLAND_DISPLAY: print only");
  const x11 = browserCommand("linux", (name) => name === "DISPLAY" ? ":0" : undefined);
  deepEqual([x11?.command, x11?.args("http://x/")], ["xdg-open", ["http://x/"]]);
  const wayland = browserCommand("linux", (n) => n === "WAYLAND_DISPLAY" ? "wayland-0" : undefined);
  equal(wayland?.command, "xdg-open");
  equal(browserCommand("darwin", none)?.command, "open");
  deepEqual(browserCommand("windows", none)?.args("http://x/"), ["/c", "start", '""', "http://x/"]);
});
