import { randomUUID } from "node:crypto";
import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import { setSerializeValue } from "../shared/serialize.js";
import type { CorrelationIdConfig } from "./schema.js";
import { correlationIdSchema } from "./schema.js";

const CTX_KEY = "correlation-id";

/** uuid#counter: one UUID per process (Kong: per worker), then a counter */
const processUuid = randomUUID();
let counter = 0;

function tracker(kit: Kit): string {
  // Kong: server_addr-server_port-pid-connection-connection_requests-timestamp
  const c = kit.request.getConnection();
  const now = (Date.now() / 1000).toFixed(3);
  const addr = c?.serverAddress ?? "0.0.0.0";
  const port = c?.serverPort ?? kit.request.getPort();
  return `${addr}-${port}-${process.pid}-${c?.id ?? 0}-${c?.requests ?? 0}-${now}`;
}

export function generate(kit: Kit, generator: CorrelationIdConfig["generator"]): string {
  if (generator === "uuid") return randomUUID();
  if (generator === "tracker") return tracker(kit);
  counter++;
  return `${processUuid}#${counter}`;
}

function access(kit: Kit, conf: CorrelationIdConfig): void {
  // a client-sent id is kept as is
  let id = kit.request.getHeader(conf.header_name);
  if (id === undefined || id === "") {
    id = generate(kit, conf.generator);
    kit.request.setHeader(conf.header_name, id);
  }
  kit.ctx.set(CTX_KEY, id);
  // Kong: kong.log.set_serialize_value("correlation_id", ...): log plugins carry it
  setSerializeValue(kit, "correlation_id", id);
}

function headerFilter(kit: Kit, conf: CorrelationIdConfig): void {
  if (!conf.echo_downstream) return;
  const id = kit.ctx.get(CTX_KEY);
  if (typeof id === "string") kit.response.setHeader(conf.header_name, id);
}

export const correlationId = definePlugin({
  name: "correlation-id",
  version: "1.0.0",
  priority: 100001,
  configSchema: correlationIdSchema,
  phases: { access, header_filter: headerFilter },
  meta: {
    title: "Correlation ID",
    category: "observability",
    summary:
      "Tags every request with a unique id header for the upstream, and optionally echoes it back.",
    icon: "fingerprint",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
