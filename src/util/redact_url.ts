/**
 * Credentials written into URLs, masked for messages, logs and listings.
 *
 * @module
 */

/**
 * Masks credentials written into URLs: `https://user:password@host/x` and
 * `https://token@host/x` both become `https://***@host/x`. Works on any text.
 */
export function redactUrl(url: string): string {
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s'"]+@/gi, "$1***@");
}
