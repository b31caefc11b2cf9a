/**
 * The error of a build that cannot go on, apart from the build itself (`build.ts`), which loads
 * only when a person first builds or resolves an entry.
 *
 * @module
 */

/** A build cannot go on: nothing to build, a bad folder, or the build failed. */
export class BuildError extends Error {
  override name = "BuildError";
}
