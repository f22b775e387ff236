import type { Consumer, Credential, CredentialLookup, Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { useAnonymous } from "../shared/consumer.js";
import { readme } from "../shared/readme.js";
import type { KeyAuthConfig } from "./schema.js";
import { keyAuthSchema } from "./schema.js";

export const ERR_NO_API_KEY = "No API key found in request";
/** Kong ≥ 3.6 answers a key that matches no credential with a plain `Unauthorized`. */
export const ERR_INVALID_AUTH_CRED = "Unauthorized";
export const ERR_DUPLICATE_API_KEY = "Duplicate API key found";

function lookup(kit: Kit): CredentialLookup {
  return kit.credentials;
}

function setConsumer(
  kit: Kit,
  consumer: Consumer | undefined,
  credential: Credential | undefined,
): void {
  kit.client.authenticate(consumer ?? null, credential ?? null);
  const req = kit.request;
  if (consumer) {
    req.setHeader("X-Consumer-ID", consumer.id);
    if (consumer.customId) req.setHeader("X-Consumer-Custom-ID", consumer.customId);
    else req.clearHeader("X-Consumer-Custom-ID");
    if (consumer.username) req.setHeader("X-Consumer-Username", consumer.username);
    else req.clearHeader("X-Consumer-Username");
  }
  if (credential) {
    req.setHeader("X-Credential-Identifier", credential.id);
    req.clearHeader("X-Anonymous-Consumer");
  } else {
    req.clearHeader("X-Credential-Identifier");
    req.setHeader("X-Anonymous-Consumer", "true");
  }
}

type Failure = { message: string };

/** What a key source gave for one name: the key, a failure, or nothing (undefined). */
function verdict(key: unknown): string | Failure | undefined {
  if (Array.isArray(key)) return { message: ERR_DUPLICATE_API_KEY };
  if (typeof key === "string" && key !== "") return key;
  if (key !== undefined && typeof key !== "string") return { message: ERR_INVALID_AUTH_CRED };
  return undefined;
}

/** Header and query only (key_in_body off): no promise per request. */
function findKeySync(kit: Kit, conf: KeyAuthConfig): string | Failure | undefined {
  const req = kit.request;
  for (const name of conf.key_names) {
    let key: unknown;
    if (conf.key_in_header) {
      key = req.getHeaders(1000).headers[name];
      if (key !== undefined && conf.hide_credentials) req.clearHeader(name);
    }
    if (key === undefined && conf.key_in_query) {
      const query = req.getQuery();
      key = query[name];
      if (key !== undefined && conf.hide_credentials) {
        const rest: Record<string, string | string[]> = { ...query };
        delete rest[name];
        req.setQuery(rest);
      }
    }
    const v = verdict(key);
    if (v !== undefined) return v;
  }
  return undefined;
}

async function findKey(kit: Kit, conf: KeyAuthConfig): Promise<string | Failure | undefined> {
  const req = kit.request;
  let body: { mime: "json" | "form" | undefined; args: Record<string, unknown> } | undefined;
  for (const name of conf.key_names) {
    let key: unknown;
    if (conf.key_in_header) {
      const all = req.getHeaders(1000).headers[name];
      key = all;
      if (key !== undefined && conf.hide_credentials) req.clearHeader(name);
    }
    if (key === undefined && conf.key_in_query) {
      const query = req.getQuery();
      key = query[name];
      if (key !== undefined && conf.hide_credentials) {
        const rest: Record<string, string | string[]> = { ...query };
        delete rest[name];
        req.setQuery(rest);
      }
    }
    if (key === undefined && conf.key_in_body) {
      body ??= await req.getBody();
      key = body.args[name];
      if (key !== undefined && conf.hide_credentials && body.mime) {
        const rest = { ...body.args };
        delete rest[name];
        req.setBody(rest, body.mime);
      }
    }
    const v = verdict(key);
    if (v !== undefined) return v;
  }
  return undefined;
}

function access(kit: Kit, conf: KeyAuthConfig): void | Promise<void> {
  if (!conf.run_on_preflight && kit.request.getMethod() === "OPTIONS") return;
  // with anonymous set, an earlier authentication plugin that succeeded wins (logical OR)
  if (conf.anonymous && kit.client.getCredential()) return;
  // the body is only read when key_in_body is on: the common case answers without a promise
  if (conf.key_in_body) return findKey(kit, conf).then((key) => decide(kit, conf, key));
  decide(kit, conf, findKeySync(kit, conf));
}

function decide(kit: Kit, conf: KeyAuthConfig, key: string | Failure | undefined): void {
  let failure: Failure | undefined;
  if (key === undefined) failure = { message: ERR_NO_API_KEY };
  else if (typeof key !== "string") failure = key;
  else {
    const found = lookup(kit).keyAuth?.(key);
    if (found) {
      setConsumer(kit, found.consumer, found.credential);
      return;
    }
    failure = { message: ERR_INVALID_AUTH_CRED };
  }

  if (conf.anonymous) return useAnonymous(kit, conf.anonymous);
  // Kong 3.9: a bare `Key` challenge unless a realm is configured
  kit.response.error(401, failure.message, {
    "WWW-Authenticate": conf.realm ? `Key realm="${conf.realm}"` : "Key",
  });
}

export const keyAuth = definePlugin({
  name: "key-auth",
  version: "1.0.0",
  priority: 1250,
  configSchema: keyAuthSchema,
  phases: { access },
  meta: {
    title: "Key Authentication",
    category: "authentication",
    summary: "Authenticates consumers by an API key in a header, the query string or the body.",
    icon: "key-round",
    readme: readme(new URL("./README.md", import.meta.url)),
    scopes: ["global", "service", "route"],
  },
});
