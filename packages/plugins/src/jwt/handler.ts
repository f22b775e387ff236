import type { Kit } from "@gatehouse/plugin-kit";
import { DEFAULT_JWT_ALGORITHM, isHmacAlgorithm } from "@gatehouse/config/jwt-algorithms";
import { definePlugin } from "@gatehouse/plugin-kit";
import { REALM_DEFAULT, setConsumer, useAnonymous } from "../shared/consumer.js";
import { readme } from "../shared/readme.js";
import type { JwtConfig } from "./schema.js";
import { jwtSchema } from "./schema.js";
import { base64Decode, decode, verifySignature } from "./token.js";

export const ERR_UNAUTHORIZED = "Unauthorized";
export const ERR_MULTIPLE_TOKENS = "Multiple tokens provided";
export const ERR_INVALID_ALGORITHM = "Invalid algorithm";
export const ERR_INVALID_KEY = "Invalid key/secret";
export const ERR_INVALID_SIGNATURE = "Invalid signature";

/** The rejection: `message` ({"message": ...}) or Kong's per-claim `errors` body. */
type Failure = { message: string; errors?: undefined } | { errors: Record<string, string> };

const BEARER = /\s*[Bb]earer\s+(.+)/;

function cookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** Kong's retrieve_tokens: query arguments, then cookies, then `Bearer` headers; distinct tokens. */
function retrieveTokens(kit: Kit, conf: JwtConfig): Set<string> {
  const req = kit.request;
  const tokens = new Set<string>();
  if (conf.uri_param_names.length > 0) {
    const query = req.getQuery();
    for (const name of conf.uri_param_names) {
      const v = query[name];
      for (const t of Array.isArray(v) ? v : v === undefined ? [] : [v])
        if (t !== "") tokens.add(t);
    }
  }
  if (conf.cookie_names.length > 0) {
    const jar = cookies(req.getHeader("cookie"));
    for (const name of conf.cookie_names) {
      const v = jar.get(name);
      if (v) tokens.add(v);
    }
  }
  for (const name of conf.header_names) {
    const v = req.getHeader(name);
    const m = v === undefined ? null : BEARER.exec(v);
    if (m?.[1]) tokens.add(m[1].trim());
  }
  return tokens;
}

async function authenticate(kit: Kit, conf: JwtConfig): Promise<Failure | undefined> {
  const tokens = retrieveTokens(kit, conf);
  if (tokens.size === 0) return { message: ERR_UNAUTHORIZED };
  if (tokens.size > 1) return { message: ERR_MULTIPLE_TOKENS };
  const token = tokens.values().next().value as string;

  const jwt = decode(token);
  if ("error" in jwt) return { message: `Bad token; ${jwt.error}` };
  const claim = conf.key_claim_name;
  const raw = jwt.claims[claim] ?? (jwt.header as Record<string, unknown>)[claim];
  if (raw === undefined || raw === null) return { message: `No mandatory '${claim}' in claims` };
  const key = typeof raw === "string" ? raw : JSON.stringify(raw);
  if (key === "") return { message: `Invalid '${claim}' in claims` };

  const found = kit.credentials.jwtSecret?.(key);
  if (!found) return { message: `No credentials found for given '${claim}'` };
  const { consumer, credential } = found;
  const algorithm = credential.algorithm || DEFAULT_JWT_ALGORITHM;
  if (jwt.header.alg !== algorithm) return { message: ERR_INVALID_ALGORITHM };

  const hmac = isHmacAlgorithm(algorithm);
  const stored = hmac ? credential.secret : credential.rsaPublicKey;
  // Kong: secret_is_base64 applies to HMAC secrets only, never to a public key
  const secret =
    typeof stored !== "string"
      ? undefined
      : hmac && conf.secret_is_base64
        ? base64Decode(stored)
        : stored;
  if (secret === undefined || secret.length === 0) return { message: ERR_INVALID_KEY };
  if (!(await verifySignature(token, algorithm, secret))) return { message: ERR_INVALID_SIGNATURE };

  const now = Math.floor(Date.now() / 1000);
  const errors: Record<string, string> = {};
  for (const name of conf.claims_to_verify ?? []) {
    const v = jwt.claims[name];
    if (typeof v !== "number") errors[name] = "must be a number";
    else if (name === "exp" && v <= now) errors[name] = "token expired";
    else if (name === "nbf" && v > now) errors[name] = "token not valid yet";
  }
  if (Object.keys(errors).length > 0) return { errors };
  if (conf.maximum_expiration > 0) {
    const exp = jwt.claims.exp;
    if (typeof exp !== "number" || exp - now > conf.maximum_expiration)
      return { errors: { exp: "exceeds maximum allowed expiration" } };
  }

  setConsumer(kit, consumer, credential, credential.key);
  kit.ctx.set("authenticated_jwt_token", token);
  return undefined;
}

async function access(kit: Kit, conf: JwtConfig): Promise<void> {
  if (!conf.run_on_preflight && kit.request.getMethod() === "OPTIONS") return;
  // with anonymous set, an earlier authentication plugin that succeeded wins (logical OR)
  if (conf.anonymous && kit.client.getCredential()) return;

  const failure = await authenticate(kit, conf);
  if (!failure) return;
  if (conf.anonymous) return useAnonymous(kit, conf.anonymous);
  const realm = `Bearer realm="${conf.realm ?? REALM_DEFAULT}"`;
  const noToken = failure.errors === undefined && failure.message === ERR_UNAUTHORIZED;
  const www = { "WWW-Authenticate": noToken ? realm : `${realm}, error="invalid_token"` };
  if (failure.errors) kit.response.exit(401, failure.errors, www);
  else kit.response.error(401, failure.message, www);
}

export const jwt = definePlugin({
  name: "jwt",
  version: "1.0.0",
  priority: 1450,
  configSchema: jwtSchema,
  phases: { access },
  meta: {
    title: "JWT",
    category: "authentication",
    summary:
      "Verifies JSON Web Tokens (HS, RS, PS, ES 256/384/512, EdDSA) with a consumer's jwt secret.",
    readme: readme(new URL("./README.md", import.meta.url)),
    icon: "badge-check",
    scopes: ["global", "service", "route"],
  },
});
