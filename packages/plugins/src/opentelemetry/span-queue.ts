// The export side of the plugin: ended spans go through Kong's plugin queue (shared/queue.ts, the one
// http-log uses), so `queue.max_bytes` and `queue.concurrency_limit` apply to spans as to log entries.
import { TraceFlags } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import type { KitLogger } from "@gatehouse/plugin-kit";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { QueueConfig } from "../shared/fields.js";
import { BatchQueue } from "../shared/queue.js";

/** Logs nowhere until a request gives the queue the data plane's logger. */
const SILENT: KitLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A SpanProcessor whose batches are the shared queue's: sampled spans are queued when they end. */
export class QueueSpanProcessor implements SpanProcessor {
  readonly queue: BatchQueue<ReadableSpan>;

  constructor(
    private readonly exporter: SpanExporter,
    conf: QueueConfig,
    endpoint: string,
    /** bytes of one span as exported (the OTLP encoding in use): what max_bytes counts */
    sizeOf: (span: ReadableSpan) => number,
  ) {
    this.queue = new BatchQueue<ReadableSpan>(
      conf,
      {
        name: "opentelemetry",
        endpoint,
        entries: "spans",
        sizeOf,
        send: (batch) =>
          new Promise((resolve) =>
            exporter.export(batch, (r) =>
              resolve(
                r.code === ExportResultCode.SUCCESS
                  ? undefined
                  : (r.error?.message ?? "the export failed"),
              ),
            ),
          ),
      },
      SILENT,
    );
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.queue.push(span);
  }

  forceFlush(): Promise<void> {
    return this.queue.flush();
  }

  async shutdown(): Promise<void> {
    await this.queue.close();
    await this.exporter.shutdown();
  }
}
