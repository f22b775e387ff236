import type { KitLogger } from "@gatehouse/plugin-kit";
import type { QueueConfig } from "./fields.js";

const WARN_EVERY_MS = 5000;

/** What a BatchQueue sends with, and how it names itself in its log lines. */
export interface QueueSink<E> {
  /** the plugin's name, first word of every log line (`http-log: ...`) */
  readonly name: string;
  /** where the batches go (logged, never its credentials) */
  readonly endpoint: string;
  /** what the entries are called when a batch is dropped (`log entries`, `spans`) */
  readonly entries: string;
  /** bytes an entry counts for `max_bytes` (only called when max_bytes is set) */
  sizeOf(entry: E): number;
  /** sends one batch; undefined when it was accepted, else the reason */
  send(batch: E[]): Promise<string | undefined>;
}

/**
 * Kong's plugin queue (kong/tools/queue.lua) for http-log and opentelemetry: bounded, batching,
 * retrying. push() never blocks; one batch is in flight at a time (`concurrency_limit` 1), or, with
 * -1, every entry is sent at once on its own, as Kong does. Above `max_entries` or `max_bytes`
 * waiting, the oldest entries are dropped with a counted warning; a batch failing past
 * `max_retry_time` is dropped with an error.
 */
export class BatchQueue<E> {
  private entries: E[] = [];
  /** sizes of the waiting entries (max_bytes set), and their sum */
  private sizes: number[] = [];
  private bytes = 0;
  /** concurrency_limit -1: the entries being sent */
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  /** entries dropped because the queue was full (since start) */
  dropped = 0;
  private droppedSinceWarn = 0;
  private lastWarn = 0;
  /** batches dropped after max_retry_time */
  failedBatches = 0;

  constructor(
    readonly conf: QueueConfig,
    private readonly sink: QueueSink<E>,
    private log: KitLogger,
  ) {}

  setLogger(log: KitLogger): void {
    this.log = log;
  }

  get size(): number {
    return this.entries.length;
  }

  push(entry: E): void {
    if (this.closed) return;
    const q = this.conf;
    if (q.concurrency_limit === -1) {
      this.track(this.sendWithRetry([entry]));
      return;
    }
    if (q.max_bytes != null) {
      const size = this.sink.sizeOf(entry);
      if (size > q.max_bytes) {
        this.drop(1, `an entry of ${size} bytes is larger than max_bytes ${q.max_bytes}`, false);
        return;
      }
      let over = 0;
      let freed = 0;
      while (this.entries.length > over && this.bytes - freed + size > q.max_bytes) {
        freed += this.sizes[over] as number;
        over++;
      }
      if (over > 0) {
        this.take(over);
        this.drop(over, `queue full (max_bytes ${q.max_bytes})`);
      }
      this.sizes.push(size);
      this.bytes += size;
    }
    this.entries.push(entry);
    if (this.entries.length > q.max_entries) {
      const over = this.entries.length - q.max_entries;
      this.take(over);
      this.drop(over, `queue full (max_entries ${q.max_entries})`);
    }
    this.schedule();
  }

  private track(sending: Promise<void>): void {
    const p = sending.finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Removes the `n` oldest waiting entries. */
  private take(n: number): E[] {
    if (this.conf.max_bytes != null) for (const s of this.sizes.splice(0, n)) this.bytes -= s;
    return this.entries.splice(0, n);
  }

  /** Counts dropped entries; warns at most every WARN_EVERY_MS. */
  private drop(n: number, why: string, oldest = true): void {
    this.dropped += n;
    this.droppedSinceWarn += n;
    const now = Date.now();
    if (now - this.lastWarn >= WARN_EVERY_MS) {
      const { name, endpoint } = this.sink;
      this.log.warn(
        { endpoint, dropped: this.droppedSinceWarn, total_dropped: this.dropped },
        `${name}: ${why}: dropped ${oldest ? "the oldest " : ""}${this.droppedSinceWarn} entries`,
      );
      this.droppedSinceWarn = 0;
      this.lastWarn = now;
    }
  }

  private schedule(): void {
    if (this.sending) return;
    const q = this.conf;
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
        if (!partial && !this.closed && this.entries.length < this.conf.max_batch_size) break;
        partial = false;
        await this.sendWithRetry(this.take(this.conf.max_batch_size));
      }
    } finally {
      this.sending = undefined;
      if (!this.closed) this.schedule();
    }
  }

  private async sendWithRetry(batch: E[]): Promise<void> {
    const q = this.conf;
    const { name, endpoint, entries } = this.sink;
    const deadline = Date.now() + q.max_retry_time * 1000;
    let delay = q.initial_retry_delay * 1000;
    for (let attempt = 1; ; attempt++) {
      let err: string | undefined;
      try {
        err = await this.sink.send(batch);
      } catch (e) {
        err = (e as Error).message;
      }
      if (err === undefined) return;
      const wait = Math.min(delay, q.max_retry_delay * 1000);
      if (this.closed || Date.now() + wait > deadline) {
        this.failedBatches++;
        this.log.error(
          { endpoint, entries: batch.length, attempts: attempt, reason: err },
          `${name}: could not send ${batch.length} ${entries}: ${err}; dropped`,
        );
        return;
      }
      this.log.warn(
        { endpoint, attempt, reason: err },
        `${name}: sending failed (${err}); retrying in ${Math.round(wait)} ms`,
      );
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, wait).unref();
      });
      this.wake = undefined;
      delay *= 2;
    }
  }

  /** Sends what is waiting now, even a partial batch, and waits for what is in flight. */
  async flush(): Promise<void> {
    if (this.sending) await this.sending;
    this.clearTimer();
    if (this.entries.length > 0) {
      this.sending = this.drain(true);
      await this.sending;
    }
    await Promise.all(this.inFlight);
  }

  /** Sends everything left (retries cut short). */
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
  }
}
