import { deepEqual, equal } from "node:assert/strict";
import { isSecretName, nameWords } from "./entry.ts";

Deno.test("nameWords() splits on separators, camelCase and acronyms", () => {
  deepEqual(nameWords("API_KEY"), ["api", "key"]);
  deepEqual(nameWords("apiKey"), ["api", "key"]);
  deepEqual(nameWords("APIKey"), ["api", "key"]);
  deepEqual(nameWords("x-api-key"), ["x", "api", "key"]);
  deepEqual(nameWords("uberall.access_token"), ["uberall", "access", "token"]);
  deepEqual(nameWords("TOKEN2"), ["token", "2"]);
});

Deno.test("isSecretName() knows credentials by their words", () => {
  for (
    const name of [
      "API_KEY",
      "apiKey",
      "APIKey",
      "x-api-key",
      "access_token",
      "accessToken",
      "PASSWD",
      "PASSWORD",
      "DB_PASSWORD",
      "dbPassword",
      "DB_PASS",
      "DB_PWD",
      "private_key",
      "privateKey",
      "NOVITA_API_KEY",
      "MY_API_KEY",
      "AWS_SECRET_ACCESS_KEY",
      "CHARMHEALTH_CLIENT_SECRET",
      "clientSecret",
      "GOOGLE_CREDENTIALS",
      "GOOGLE_CREDENTIALS_JSON",
      "credential",
      "creds",
      "GITHUB_PAT",
      "GITHUB_TOKEN_2",
      "GITHUB_TOKEN_READONLY",
      "API_1_HEADER_AUTHORIZATION",
      "uberall.access_token",
      "dreamfactoryapikey",
      "quantconnectapitoken",
      "githubtoken",
      "SSH_KEY",
      "ENCRYPTION_KEY",
      "key",
      "Token",
      "secret",
      "SESSION_TOKEN",
      "SSL_PASSPHRASE",
    ]
  ) equal(isSecretName(name), true, name);
});

Deno.test("isSecretName() leaves names that only contain or describe a credential", () => {
  for (
    const name of [
      "KEYWORDS",
      "keywords",
      "monkey",
      "turkey",
      "hotkey",
      "TOKENIZER_MODEL",
      "tokenizer",
      "MAX_TOKENS",
      "MAX_TOKEN",
      "NEXT_PAGE_TOKEN",
      "NEO4J_RESPONSE_TOKEN_LIMIT",
      "response_token_limit",
      "AWS_ACCESS_KEY_ID",
      "aws_access_key_id",
      "OKTA_KEY_ID",
      "key_id",
      "apiKeyId",
      "CHARMHEALTH_TOKEN_URL",
      "PROXMOX_TOKEN_NAME",
      "REDIS_SSL_KEYFILE",
      "TEMPORAL_TLS_CLIENT_KEY_PATH",
      "ssh_private_key_path",
      "credentials_path",
      "API_KEY_FILE",
      "PUBLIC_KEY",
      "SORT_KEY",
      "PARTITION_KEY",
      "SECRET_NAME",
      "PASSWORD_MIN_LENGTH",
      "TOKEN_TYPE",
      "graphql_auth_type",
      "ENABLE_AUTH",
      "PASS_THROUGH",
      "passthrough",
      "bypass",
      "PWD",
      "PATH",
      "PATTERN",
      "secretary",
      "",
      "_",
    ]
  ) equal(isSecretName(name), false, name);
});
