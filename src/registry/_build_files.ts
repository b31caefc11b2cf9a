/**
 * Small helpers of builds: the base images a Containerfile names (to fetch those missing
 * before a build that pulls nothing itself) and the size of a clone (for the disk limit).
 *
 * @module
 */
import { join } from "node:path";

/** An image reference podman could not read as an option. */
const IMAGE = /^[a-z0-9][a-z0-9._\/:@-]{0,255}$/i;

/**
 * The images a Containerfile's `FROM` lines name, in order, without build stages, `scratch`
 * and references built from `ARG`s (`$`), which podman resolves itself.
 */
export function baseImagesOf(containerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  // Continuation lines joined, so `FROM \` + image reads as one instruction.
  const text = containerfile.replace(/\\\r?\n/g, " ");
  for (const line of text.split(/\r?\n/)) {
    const words = line.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== "FROM") continue;
    const args = words.slice(1).filter((w) => !w.startsWith("--"));
    const image = args[0];
    if (args[1]?.toUpperCase() === "AS" && args[2]) stages.add(args[2].toLowerCase());
    if (!image || image.includes("$") || image.toLowerCase() === "scratch") continue;
    if (stages.has(image.toLowerCase()) && !image.includes("/") && !image.includes(":")) continue;
    if (IMAGE.test(image) && !images.includes(image)) images.push(image);
  }
  return images;
}

/** The bytes of the plain files under `dir` (symlinks not followed). */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for await (const item of Deno.readDir(dir)) {
    const path = join(dir, item.name);
    if (item.isDirectory) total += await folderSize(path);
    else if (item.isFile) total += (await Deno.lstat(path).catch(() => null))?.size ?? 0;
  }
  return total;
}
