/**
 * What podman gets of the registry's environment: an allow-list of its own variables.
 *
 * @module
 */

/** The proxy settings, in both spellings: podman (for pulls) and git honour them. */
export const PROXY_ENV: readonly string[] = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
];

/** Variables podman itself needs from the registry's environment; nothing else is passed on. */
export const PODMAN_ENV: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "TMPDIR",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "CONTAINERS_CONF",
  "CONTAINERS_STORAGE_CONF",
  "CONTAINERS_REGISTRIES_CONF",
  "CONTAINER_HOST",
  "CONTAINER_CONNECTION",
  "DBUS_SESSION_BUS_ADDRESS",
  ...PROXY_ENV,
];
