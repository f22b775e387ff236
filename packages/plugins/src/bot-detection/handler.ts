import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import { BOT_RULES } from "./rules.js";
import type { BotDetectionConfig } from "./schema.js";
import { botDetectionSchema } from "./schema.js";

export const ERR_FORBIDDEN = "Forbidden";
export const ERR_MULTIPLE_UA = "Only one User-Agent header allowed";

const BOTS = BOT_RULES.map((r) => new RegExp(r));
const CACHE_SIZE = 10_000;

interface Compiled {
  allow: RegExp[];
  deny: RegExp[];
  /** user agent → refused? (bounded, oldest first out) */
  verdicts: Map<string, boolean>;
}

// one compiled form per config object (configs are immutable per snapshot)
const compiled = new WeakMap<BotDetectionConfig, Compiled>();

function compile(conf: BotDetectionConfig): Compiled {
  let c = compiled.get(conf);
  if (!c) {
    c = {
      allow: conf.allow.map((r) => new RegExp(r)),
      deny: conf.deny.map((r) => new RegExp(r)),
      verdicts: new Map(),
    };
    compiled.set(conf, c);
  }
  return c;
}

function refused(c: Compiled, userAgent: string): boolean {
  if (c.allow.some((r) => r.test(userAgent))) return false;
  if (c.deny.some((r) => r.test(userAgent))) return true;
  return BOTS.some((r) => r.test(userAgent));
}

function access(kit: Kit, conf: BotDetectionConfig): void {
  const ua = kit.request.getHeaders(1000).headers["user-agent"];
  if (Array.isArray(ua)) return kit.response.error(400, ERR_MULTIPLE_UA);
  if (ua === undefined) return;
  const userAgent = String(ua).trim();
  const c = compile(conf);
  let verdict = c.verdicts.get(userAgent);
  if (verdict === undefined) {
    verdict = refused(c, userAgent);
    if (c.verdicts.size >= CACHE_SIZE) {
      const oldest = c.verdicts.keys().next();
      if (!oldest.done) c.verdicts.delete(oldest.value);
    }
    c.verdicts.set(userAgent, verdict);
  }
  if (verdict) kit.response.error(403, ERR_FORBIDDEN);
}

export const botDetection = definePlugin({
  name: "bot-detection",
  version: "1.0.0",
  priority: 2500,
  configSchema: botDetectionSchema,
  phases: { access },
  meta: {
    title: "Bot Detection",
    category: "security",
    summary: "Refuses requests from known bots and user agents matching your deny list.",
    readme: readme(new URL("./README.md", import.meta.url)),
    icon: "bot",
    scopes: ["global", "service", "route"],
  },
});
