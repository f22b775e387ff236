import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { KitLogger } from "@gatehouse/plugin-kit";
import { BatchQueue } from "../shared/queue.js";
import type { HttpLogConfig } from "./schema.js";

/**
 * One queue per distinct http-log config (shared by every request and snapshot using that config):
 * Kong's plugin queue (shared/queue.ts) sending JSON batches to `http_endpoint`. Entries are kept as
 * their JSON text, so `max_bytes` bounds what waits.
 */
export class LogQueue extends BatchQueue<string> {
  private readonly agent: HttpAgent;

  constructor(conf: HttpLogConfig, log: KitLogger) {
    const url = new URL(conf.http_endpoint);
    const Agent = url.protocol === "https:" ? HttpsAgent : HttpAgent;
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, timeout: conf.keepalive });
    super(
      conf.queue,
      {
        name: "http-log",
        endpoint: url.origin,
        entries: "log entries",
        sizeOf: (entry) => Buffer.byteLength(entry),
        // Kong: one entry is sent as an object, a batch as an array
        send: (batch) =>
          send(
            conf,
            url,
            agent,
            conf.queue.max_batch_size === 1 && batch.length === 1
              ? (batch[0] as string)
              : `[${batch.join(",")}]`,
          ),
      },
      log,
    );
    this.agent = agent;
  }

  pushEntry(value: unknown): void {
    this.push(JSON.stringify(value));
  }

  /** Sends everything left (retries cut short), then releases the connections. */
  override async close(): Promise<void> {
    await super.close();
    this.agent.destroy();
  }
}

/** One request; undefined when the endpoint answered 2xx, else the reason. */
function send(
  conf: HttpLogConfig,
  u: URL,
  agent: HttpAgent,
  body: string,
): Promise<string | undefined> {
  const headers: Record<string, string> = {
    ...(conf.headers ?? {}),
    "content-type": conf.content_type,
    "content-length": String(Buffer.byteLength(body)),
  };
  if (u.username !== "" && !Object.keys(headers).some((h) => h.toLowerCase() === "authorization")) {
    const creds = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    headers.authorization = `Basic ${Buffer.from(creds).toString("base64")}`;
  }
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ""),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: conf.method,
        headers,
        agent,
        timeout: conf.timeout,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const s = res.statusCode ?? 0;
          resolve(s >= 200 && s < 300 ? undefined : `the endpoint answered ${s}`);
        });
        res.on("error", (e) => resolve(e.message));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${conf.timeout} ms`)));
    req.on("error", (e) => resolve(e.message));
    req.end(body);
  });
}
