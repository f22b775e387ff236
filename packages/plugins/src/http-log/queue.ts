import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { KitLogger } from "@gatehouse/plugin-kit";
import type { HttpLogConfig } from "./schema.js";

const WARN_EVERY_MS = 5000;

/**
 * One bounded, batching, retrying queue per distinct http-log config (shared by every request and
 * snapshot using that config). push() never blocks; one batch is in flight at a time
 * (`concurrency_limit` 1), or, with -1, every entry is sent at once on its own, as Kong does. Entries
 * are kept as their JSON text, so `max_bytes` bounds what waits.
 */
export class LogQueue {
  private entries: string[] = [];
  /** bytes of the waiting entries */
  private bytes = 0;
  /** concurrency_limit -1: the entries being sent */
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly agent: HttpAgent;
  private readonly url: URL;
  /** entries dropped because the queue was full (since start) */
  dropped = 0;
  private droppedSinceWarn = 0;
  private lastWarn = 0;
  /** batches dropped after max_retry_time */
  failedBatches = 0;

  constructor(
    readonly conf: HttpLogConfig,
    private log: KitLogger,
  ) {
    this.url = new URL(conf.http_endpoint);
    const Agent = this.url.protocol === "https:" ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, timeout: conf.keepalive });
  }

  setLogger(log: KitLogger): void {
    this.log = log;
  }

  get size(): number {
    return this.entries.length;
  }

  push(value: unknown): void {
    if (this.closed) return;
    const q = this.conf.queue;
    const entry = JSON.stringify(value);
    if (q.concurrency_limit === -1) {
      const sending = this.sendWithRetry([entry]).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
      return;
    }
    const size = Buffer.byteLength(entry);
    if (q.max_bytes != null) {
      if (size > q.max_bytes) {
        this.drop(1, `an entry of ${size} bytes is larger than max_bytes ${q.max_bytes}`, false);
        return;
      }
      let over = 0;
      while (this.entries.length > over && this.bytes + size > q.max_bytes) {
        this.bytes -= Buffer.byteLength(this.entries[over] as string);
        over++;
      }
      if (over > 0) {
        this.entries.splice(0, over);
        this.drop(over, `queue full (max_bytes ${q.max_bytes})`);
      }
    }
    this.entries.push(entry);
    this.bytes += size;
    if (this.entries.length > q.max_entries) {
      const over = this.entries.length - q.max_entries;
      for (const e of this.entries.splice(0, over)) this.bytes -= Buffer.byteLength(e);
      this.drop(over, `queue full (max_entries ${q.max_entries})`);
    }
    this.schedule();
  }

  /** Counts dropped entries; warns at most every WARN_EVERY_MS. */
  private drop(n: number, why: string, oldest = true): void {
    this.dropped += n;
    this.droppedSinceWarn += n;
    const now = Date.now();
    if (now - this.lastWarn >= WARN_EVERY_MS) {
      this.log.warn(
        { endpoint: this.url.origin, dropped: this.droppedSinceWarn, total_dropped: this.dropped },
        `http-log: ${why}: dropped ${oldest ? "the oldest " : ""}${this.droppedSinceWarn} entries`,
      );
      this.droppedSinceWarn = 0;
      this.lastWarn = now;
    }
  }

  private schedule(): void {
    if (this.sending) return;
    const q = this.conf.queue;
    if (this.entries.length >= q.max_batch_size) {
      this.clearTimer();
      this.sending = this.drain();
      return;
    }
    if (this.entries.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.sending) this.sending = this.drain(true);
      }, q.max_coalescing_delay * 1000);
      this.timer.unref();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends batches until the queue is empty (or only a partial batch is left and we are not closing). */
  private async drain(partial = false): Promise<void> {
    try {
      while (this.entries.length > 0) {
        if (!partial && !this.closed && this.entries.length < this.conf.queue.max_batch_size) break;
        partial = false;
        const batch = this.entries.splice(0, this.conf.queue.max_batch_size);
        for (const e of batch) this.bytes -= Buffer.byteLength(e);
        await this.sendWithRetry(batch);
      }
    } finally {
      this.sending = undefined;
      if (!this.closed) this.schedule();
    }
  }

  private async sendWithRetry(batch: string[]): Promise<void> {
    const q = this.conf.queue;
    // Kong: one entry is sent as an object, a batch as an array
    const body =
      q.max_batch_size === 1 && batch.length === 1 ? (batch[0] as string) : `[${batch.join(",")}]`;
    const deadline = Date.now() + q.max_retry_time * 1000;
    let delay = q.initial_retry_delay * 1000;
    for (let attempt = 1; ; attempt++) {
      const err = await this.send(body);
      if (err === undefined) return;
      const wait = Math.min(delay, q.max_retry_delay * 1000);
      if (this.closed || Date.now() + wait > deadline) {
        this.failedBatches++;
        this.log.error(
          { endpoint: this.url.origin, entries: batch.length, attempts: attempt, reason: err },
          `http-log: could not send ${batch.length} log entries: ${err}; dropped`,
        );
        return;
      }
      this.log.warn(
        { endpoint: this.url.origin, attempt, reason: err },
        `http-log: sending failed (${err}); retrying in ${Math.round(wait)} ms`,
      );
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, wait).unref();
      });
      this.wake = undefined;
      delay *= 2;
    }
  }

  /** One request; undefined when the endpoint answered 2xx, else the reason. */
  private send(body: string): Promise<string | undefined> {
    const u = this.url;
    const headers: Record<string, string> = {
      ...(this.conf.headers ?? {}),
      "content-type": this.conf.content_type,
      "content-length": String(Buffer.byteLength(body)),
    };
    if (
      u.username !== "" &&
      !Object.keys(headers).some((h) => h.toLowerCase() === "authorization")
    ) {
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
          method: this.conf.method,
          headers,
          agent: this.agent,
          timeout: this.conf.timeout,
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
      req.on("timeout", () => req.destroy(new Error(`timeout after ${this.conf.timeout} ms`)));
      req.on("error", (e) => resolve(e.message));
      req.end(body);
    });
  }

  /** Sends everything left (retries cut short), then releases the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.wake?.();
    if (this.sending) await this.sending;
    await Promise.all(this.inFlight);
    if (this.entries.length > 0) {
      this.sending = this.drain();
      await this.sending;
    }
    this.agent.destroy();
  }
}
