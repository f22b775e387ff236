import type { Consumer, Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { isHmacAlgorithm, JWT_ALGORITHMS } from "@gatehouse/config/jwt-algorithms";
import { REALM_DEFAULT, setConsumer, useAnonymous } from "../shared/consumer.js";
import { verifyJwsDetailed } from "../shared/jws.js";
import type { JwsFailure } from "../shared/jws.js";
import { readme } from "../shared/readme.js";
import type { Claims } from "./claims.js";
import { checkClaims, claimAt } from "./claims.js";
import { issuerKeys } from "./jwks.js";
import type { OpenidConnectConfig } from "./schema.js";
import { openidConnectSchema } from "./schema.js";

export const ERR_NO_TOKEN = "Unauthorized";
export const ERR_KEYS_UNAVAILABLE = "The issuer's signing keys are unavailable";
export const ERR_NO_CONSUMER = "Forbidden: no consumer matches the token";
const ERR_JWS: Record<JwsFailure, string> = {
  malformed: "Invalid token: not a signed JWT",
  alg: "Invalid token: algorithm not allowed (RS, PS, ES 256/384/512 or EdDSA)",
  "no-key": "Invalid token: no key of the issuer's JWKS matches its kid",
  "keys-unavailable": ERR_KEYS_UNAVAILABLE,
  signature: "Invalid token: bad signature",
};

/** Tokens are signed by the issuer's private keys: every asymmetric algorithm, never HMAC. */
export const OIDC_ALGORITHMS = JWT_ALGORITHMS.filter((a) => !isHmacAlgorithm(a));

const BEARER = /^\s*[Bb]earer\s+(\S+)\s*$/;

interface Failure {
  status: 401 | 403 | 503;
  message: string;
  error?: string;
}

function consumerFor(kit: Kit, conf: OpenidConnectConfig, claims: Claims): Consumer | undefined {
  const value = claimAt(claims, conf.consumer_claim ?? []);
  if (typeof value !== "string" || value === "") return undefined;
  const found = kit.credentials.consumer?.(value);
  if (!found) return undefined;
  const field = { id: found.id, username: found.username, custom_id: found.customId };
  return conf.consumer_by.some((by) => field[by] === value) ? found : undefined;
}

async function authenticate(kit: Kit, conf: OpenidConnectConfig): Promise<Failure | undefined> {
  const m = BEARER.exec(kit.request.getHeader("authorization") ?? "");
  const token = m?.[1];
  if (!token) return { status: 401, message: ERR_NO_TOKEN };

  let keys;
  try {
    keys = await issuerKeys(conf);
  } catch (e) {
    kit.log.warn({ issuer: conf.issuer, err: String(e) }, "openid-connect: no JWKS");
    return { status: 503, message: ERR_KEYS_UNAVAILABLE };
  }
  const verified = await verifyJwsDetailed(token, OIDC_ALGORITHMS, keys);
  if (!verified.ok) {
    if (verified.reason === "keys-unavailable") {
      kit.log.warn({ issuer: conf.issuer }, "openid-connect: the JWKS could not be fetched");
      return { status: 503, message: ERR_KEYS_UNAVAILABLE };
    }
    return { status: 401, message: ERR_JWS[verified.reason], error: "invalid_token" };
  }
  let claims: Claims;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(verified.payload));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error();
    claims = parsed as Claims;
  } catch {
    return { status: 401, message: ERR_JWS.malformed, error: "invalid_token" };
  }
  const bad = checkClaims(claims, conf);
  if (bad) return bad;

  const consumer = conf.consumer_claim ? consumerFor(kit, conf, claims) : undefined;
  if (conf.consumer_claim && !consumer && !conf.consumer_optional)
    return { status: 403, message: ERR_NO_CONSUMER, error: "invalid_token" };
  const sub = typeof claims.sub === "string" ? claims.sub : undefined;
  const credential = { id: sub ?? "openid-connect", consumerId: consumer?.id, tags: [] };
  setConsumer(kit, consumer, credential, sub);
  conf.upstream_headers_claims.forEach((claim, i) => {
    const v = claims[claim];
    const header = conf.upstream_headers_names[i];
    if (header === undefined) return;
    if (v === undefined || v === null) kit.request.clearHeader(header);
    else kit.request.setHeader(header, typeof v === "string" ? v : JSON.stringify(v));
  });
  kit.ctx.set("authenticated_jwt_token", token);
  return undefined;
}

async function access(kit: Kit, conf: OpenidConnectConfig): Promise<void> {
  // with anonymous set, an earlier authentication plugin that succeeded wins (logical OR)
  if (conf.anonymous && kit.client.getCredential()) return;
  const failure = await authenticate(kit, conf);
  if (!failure) return;
  if (conf.anonymous && failure.status !== 503) return useAnonymous(kit, conf.anonymous);
  const realm = `Bearer realm="${REALM_DEFAULT}"`;
  const headers: Record<string, string> =
    failure.status === 503
      ? {}
      : { "WWW-Authenticate": failure.error ? `${realm}, error="${failure.error}"` : realm };
  kit.response.error(failure.status, failure.message, headers);
}

export const openidConnect = definePlugin({
  name: "openid-connect",
  version: "1.0.0",
  priority: 1050,
  configSchema: openidConnectSchema,
  phases: { access },
  meta: {
    title: "OpenID Connect (bearer)",
    category: "authentication",
    summary:
      "Validates bearer access tokens against an OpenID Connect issuer's JWKS: issuer, audience, expiry, scopes; maps a claim to a consumer.",
    readme: readme(new URL("./README.md", import.meta.url)),
    icon: "shield-check",
    scopes: ["global", "service", "route"],
  },
});
