/**
 * What MiniSearch indexes of an entry: one text per field, and the fields' weights.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";

/** An entry as indexed: `id` is its position in the catalog. */
export interface IndexedDoc {
  id: number;
  names: string;
  tags: string;
  categories: string;
  vendor: string;
  tool_names: string;
  description: string;
  tool_text: string;
}

/** An entry's text per field. */
export function toDoc(entry: CatalogEntry, id: number): IndexedDoc {
  return {
    id,
    names: `${entry.id} ${entry.name} ${entry.title}`,
    tags: entry.tags.join(" "),
    categories: entry.categories.join(" "),
    vendor: vendorOf(entry),
    tool_names: entry.tools.map((t) => t.name).join(" "),
    description: entry.description,
    tool_text: entry.tools.map((t) => t.description).join(" "),
  };
}

/** Who makes it: the image namespace and the repository owner (`awslabs`, `github`). */
function vendorOf(entry: CatalogEntry): string {
  const parts: string[] = [];
  const image = entry.container_image?.replace(/^(docker\.io|ghcr\.io|mcr\.microsoft\.com)\//, "");
  const namespace = image?.split("/")[0];
  if (namespace && namespace !== "mcp" && image!.includes("/")) parts.push(namespace);
  const owner = entry.repo_url?.match(/^https:\/\/[^/]+\/([^/]+)/)?.[1];
  if (owner) parts.push(owner);
  const host = entry.remote?.url.match(/^https?:\/\/(?:[^/.]+\.)*([^/.]+)\.[a-z]+(?:[:/]|$)/i)?.[1];
  if (host) parts.push(host);
  return parts.join(" ");
}
