import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { serializeLog } from "../shared/log-entry.js";
import { readme } from "../shared/readme.js";
import { LogQueue } from "./queue.js";
import type { HttpLogConfig } from "./schema.js";
import { httpLogSchema } from "./schema.js";

/** One queue per distinct config (process-wide: shared by every snapshot with that config). */
const queues = new Map<string, LogQueue>();
const keyOf = (conf: HttpLogConfig): string => JSON.stringify(conf);

/** The queue of a config (tests and metrics); undefined until a request was logged with it. */
export function httpLogQueue(conf: HttpLogConfig): LogQueue | undefined {
  return queues.get(keyOf(conf));
}

function log(kit: Kit, conf: HttpLogConfig): void {
  const key = keyOf(conf);
  let q = queues.get(key);
  if (!q) {
    q = new LogQueue(conf, kit.log);
    queues.set(key, q);
  } else q.setLogger(kit.log);
  q.pushEntry(serializeLog(kit));
}

async function closeWhere(keep: (key: string) => boolean): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const [key, q] of queues) {
    if (keep(key)) continue;
    queues.delete(key);
    closing.push(q.close());
  }
  await Promise.all(closing);
}

export const httpLog = definePlugin({
  name: "http-log",
  version: "1.0.0",
  priority: 12,
  configSchema: httpLogSchema,
  phases: { log },
  // configs gone from the running snapshot: flush their queues and release the connections
  retain: (configs) => {
    const live = new Set(configs.map(keyOf));
    return closeWhere((k) => live.has(k));
  },
  // shutdown: flush every queue (a failing endpoint gets one more try)
  dispose: () => closeWhere(() => false),
  meta: {
    title: "HTTP Log",
    category: "logging",
    summary: "Sends request and response logs to an HTTP endpoint in batches, with retries.",
    icon: "send",
    scopes: ["global", "service", "route", "consumer"],
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
