import type { BasicAuthCredential, Consumer, Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { setConsumer, useAnonymous } from "../shared/consumer.js";
import { readme } from "../shared/readme.js";
import type { BasicAuthConfig } from "./schema.js";
import { BASIC_REALM, basicAuthSchema } from "./schema.js";
import { checkPassword } from "./verify.js";

/** Kong ≥ 3.6 answers every failure (no header, malformed, unknown user, wrong password) alike. */
export const ERR_UNAUTHORIZED = "Unauthorized";

const BASIC = /\s*[Bb]asic\s*(\S+)/;
const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** username and password of a `Basic` header, or undefined when it has another form. */
export function parseBasic(header: string): { username: string; password: string } | undefined {
  const m = BASIC.exec(header);
  const encoded = m?.[1];
  if (encoded === undefined || !BASE64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

type Found = { consumer: Consumer; credential: BasicAuthCredential; password: string };

function fromHeader(kit: Kit, name: string, conf: BasicAuthConfig): Found | undefined {
  const header = kit.request.getHeader(name);
  if (header === undefined) return undefined;
  if (conf.hide_credentials) kit.request.clearHeader(name);
  const given = parseBasic(header);
  if (!given) return undefined;
  const hit = kit.credentials.basicAuth?.(given.username);
  return hit && { ...hit, password: given.password };
}

async function access(kit: Kit, conf: BasicAuthConfig): Promise<void> {
  // with anonymous set, an earlier authentication plugin that succeeded wins (logical OR)
  if (conf.anonymous && kit.client.getCredential()) return;
  const www = { "WWW-Authenticate": `Basic realm="${conf.realm ?? BASIC_REALM}"` };

  const req = kit.request;
  if (
    req.getHeader("authorization") !== undefined ||
    req.getHeader("proxy-authorization") !== undefined
  ) {
    // Kong: Proxy-Authorization first; the Authorization header when it names no known user
    const found =
      fromHeader(kit, "proxy-authorization", conf) ?? fromHeader(kit, "authorization", conf);
    if (found && (await checkPassword(found.credential, found.password))) {
      setConsumer(kit, found.consumer, found.credential, found.credential.username);
      return;
    }
  }
  if (conf.anonymous) return useAnonymous(kit, conf.anonymous);
  kit.response.error(401, ERR_UNAUTHORIZED, www);
}

export const basicAuth = definePlugin({
  name: "basic-auth",
  version: "1.0.0",
  priority: 1100,
  configSchema: basicAuthSchema,
  phases: { access },
  meta: {
    title: "Basic Authentication",
    category: "authentication",
    summary: "Authenticates consumers by username and password (HTTP Basic authentication).",
    readme: readme(new URL("./README.md", import.meta.url)),
    icon: "user-lock",
    scopes: ["global", "service", "route"],
  },
});
