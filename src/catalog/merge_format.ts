/**
 * The version of the merge's output, apart from the merge itself (`merge.ts`), which loads only
 * when the catalog is merged again.
 *
 * @module
 */

/**
 * Changes whenever the merge makes other entries from the same sources (a merged catalog
 * stored by an older version is then made again).
 */
export const MERGE_FORMAT = 2;
