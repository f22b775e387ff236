import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import { compileOrigins, matchOrigin } from "./origins.js";
import type { CorsConfig } from "./schema.js";
import { CORS_METHODS, corsSchema } from "./schema.js";

const SKIP = "cors.skip_response_headers";
const ACAO = "Access-Control-Allow-Origin";
const ACAC = "Access-Control-Allow-Credentials";

/** Response header writer of the current phase: access collects for the preflight exit. */
interface Out {
  set(name: string, value: string): void;
  clear(name: string): void;
  vary(): void;
}

/** Kong's configure_origin: sets ACAO (and Vary: Origin); true when ACAO is "*". */
function configureOrigin(conf: CorsConfig, out: Out, reqOrigin: string | undefined): boolean {
  const c = compileOrigins(conf);
  if (c.allowAll) {
    out.set(ACAO, "*");
    return true;
  }
  // always Vary: Origin, the answer depends on it (caches)
  out.vary();
  if (c.single !== undefined) {
    out.set(ACAO, c.single);
    return false;
  }
  if (reqOrigin !== undefined) {
    if (c.anyStar) {
      out.set(ACAO, "*");
      return true;
    }
    const allowed = matchOrigin(c, reqOrigin);
    if (allowed !== undefined) {
      out.set(ACAO, allowed);
      return false;
    }
  }
  out.clear(ACAO);
  return false;
}

/** The request's Origin; an empty one counts as absent, so it is never echoed. */
function originOf(kit: Kit): string | undefined {
  return kit.request.getHeader("origin") || undefined;
}

/** Kong's configure_credentials: with "*", the request's origin is echoed (ACAC needs one). */
function configureCredentials(
  conf: CorsConfig,
  allowAll: boolean,
  out: Out,
  reqOrigin: string | undefined,
): void {
  if (!conf.credentials) return;
  if (!allowAll) return out.set(ACAC, "true");
  if (reqOrigin !== undefined) {
    out.vary();
    out.set(ACAO, reqOrigin);
    out.set(ACAC, "true");
  }
}

function access(kit: Kit, conf: CorsConfig): void {
  const req = kit.request;
  const reqOrigin = originOf(kit);
  if (
    req.getMethod() !== "OPTIONS" ||
    reqOrigin === undefined ||
    req.getHeader("access-control-request-method") === undefined
  ) {
    return;
  }
  // a preflight: answered here (or by the upstream), no CORS headers added to the response later
  kit.ctx.set(SKIP, true);
  if (conf.preflight_continue) return;

  const headers: Record<string, string> = {};
  const out: Out = {
    set: (name, value) => void (headers[name] = value),
    clear: (name) => void delete headers[name],
    vary: () => void (headers.Vary = "Origin"),
  };
  const allowAll = configureOrigin(conf, out, reqOrigin);
  configureCredentials(conf, allowAll, out, reqOrigin);

  if (conf.headers && conf.headers.length > 0) {
    headers["Access-Control-Allow-Headers"] = conf.headers.join(",");
  } else {
    const acrh = req.getHeader("access-control-request-headers");
    if (acrh !== undefined) headers["Access-Control-Allow-Headers"] = acrh;
  }
  // methods: null (decK exports carry it) means every method, as Kong
  headers["Access-Control-Allow-Methods"] = (conf.methods ?? CORS_METHODS).join(",");
  if (conf.max_age !== undefined && conf.max_age !== null) {
    headers["Access-Control-Max-Age"] = String(conf.max_age);
  }
  if (conf.private_network && req.getHeader("access-control-request-private-network") === "true") {
    headers["Access-Control-Allow-Private-Network"] = "true";
  }
  kit.response.exit(200, undefined, headers);
}

function headerFilter(kit: Kit, conf: CorsConfig): void {
  if (kit.ctx.get(SKIP) === true) return;
  const reqOrigin = originOf(kit);
  if (reqOrigin === undefined && !conf.allow_origin_absent) return;
  const res = kit.response;
  const out: Out = {
    set: (name, value) => res.setHeader(name, value),
    clear: (name) => res.clearHeader(name),
    vary: () => res.addHeader("Vary", "Origin"),
  };
  const allowAll = configureOrigin(conf, out, reqOrigin);
  configureCredentials(conf, allowAll, out, reqOrigin);
  if (conf.exposed_headers && conf.exposed_headers.length > 0) {
    res.setHeader("Access-Control-Expose-Headers", conf.exposed_headers.join(","));
  }
}

export const cors = definePlugin({
  name: "cors",
  version: "1.0.0",
  priority: 2000,
  configSchema: corsSchema,
  phases: { access, header_filter: headerFilter },
  meta: {
    title: "CORS",
    category: "security",
    summary: "Cross-origin resource sharing: answers preflights and adds Access-Control-* headers.",
    readme: readme(new URL("./README.md", import.meta.url)),
    icon: "globe",
    scopes: ["global", "service", "route"],
  },
});
