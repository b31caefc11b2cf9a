/**
 * Where package metadata is read, as the settings name it: apart from the client that reads it
 * (`package_registry.ts`), which loads only when an entry is first resolved.
 *
 * @module
 */

/** Where package metadata is read. */
export interface PackageRegistryUrls {
  /** @default "https://registry.npmjs.org" */
  npm: string;
  /** @default "https://pypi.org" */
  pypi: string;
}

export const DEFAULT_PACKAGE_REGISTRIES: PackageRegistryUrls = {
  npm: "https://registry.npmjs.org",
  pypi: "https://pypi.org",
};
