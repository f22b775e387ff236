import type {
  Consumer,
  Credential,
  CredentialLookup,
  Kit,
  RequestBody,
} from "@gatehouse/plugin-kit";
import {
  definePlugin,
  multipartBoundary,
  withoutFormArg,
  withoutMultipartField,
} from "@gatehouse/plugin-kit";
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

/** Kong's hide_credentials for the query: only the key's pairs go, the others keep their order and bytes. */
function hideInQuery(kit: Kit, name: string): void {
  const raw = kit.request.getRawQuery();
  const rest = withoutFormArg(raw, name);
  if (rest !== raw) kit.request.setRawQuery(rest);
}

/** Header and query only (key_in_body off): no promise per request. */
function findKeySync(kit: Kit, conf: KeyAuthConfig): string | Failure | undefined {
  const req = kit.request;
  for (const name of conf.key_names) {
    let key: unknown;
    if (conf.key_in_header) key = req.getHeaders(1000).headers[name];
    if (key === undefined && conf.key_in_query) key = req.getQuery()[name];
    const v = verdict(key);
    if (typeof v === "string" && conf.hide_credentials) {
      // as Kong: the name leaves the header and the query wherever the key was found
      req.clearHeader(name);
      hideInQuery(kit, name);
    }
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Kong's hide_credentials for the body (key_in_body): the key's field leaves a form, multipart or JSON body. */
async function hideInBody(kit: Kit, body: RequestBody, name: string): Promise<void> {
  const req = kit.request;
  if (body.mime === undefined || !(name in body.args)) return;
  if (body.mime === "json") {
    const rest = { ...body.args };
    delete rest[name];
    req.setBody(rest, "json");
    return;
  }
  const raw = await req.getRawBody();
  if (body.mime === "form") {
    req.setRawBody(withoutFormArg(raw.toString("utf8"), name));
    return;
  }
  const boundary = multipartBoundary(req.getHeader("content-type"));
  if (boundary) req.setRawBody(withoutMultipartField(raw, boundary, name));
}

async function findKey(kit: Kit, conf: KeyAuthConfig): Promise<string | Failure | undefined> {
  const req = kit.request;
  let body: RequestBody | undefined;
  for (const name of conf.key_names) {
    let key: unknown;
    if (conf.key_in_header) key = req.getHeaders(1000).headers[name];
    if (key === undefined && conf.key_in_query) key = req.getQuery()[name];
    if (key === undefined) {
      body ??= await req.getBody();
      key = body.args[name];
    }
    const v = verdict(key);
    if (typeof v === "string" && conf.hide_credentials) {
      req.clearHeader(name);
      hideInQuery(kit, name);
      body ??= await req.getBody();
      await hideInBody(kit, body, name);
    }
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
