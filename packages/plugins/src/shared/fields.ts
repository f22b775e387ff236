import { z } from "zod";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/** An HTTP header name (RFC 9110 token). */
export const headerName = z.string().refine((s) => TOKEN.test(s), {
  error: (i) => `'${String(i.input)}' is not a valid header name`,
});

/** A header value: no CR, LF or other control characters. */
export const headerValue = z.string().refine((s) => !BAD_VALUE.test(s), {
  error: "must not contain CR, LF or other control characters",
});

export function isHeaderName(s: string): boolean {
  return TOKEN.test(s);
}

export function isHeaderValue(s: string): boolean {
  return !BAD_VALUE.test(s);
}

/** Kong's integer field with `between = { min, max }`. */
export function intBetween(min: number, max: number) {
  const msg = `value should be between ${min} and ${max}`;
  return z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .min(min, { error: msg })
    .max(max, { error: msg });
}

/** An http(s) URL with a host (Kong's url typedef messages). */
export const httpUrl = z.string({ error: "required field missing" }).superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: "custom", message: "missing host in url" });
    return;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    ctx.addIssue({ code: "custom", message: "unsupported scheme: use http or https" });
});

export const seconds = (min: number, max: number, def: number, what: string) =>
  z
    .number({ error: "expected a number" })
    .min(min, { error: `value should be between ${min} and ${max}` })
    .max(max, { error: `value should be between ${min} and ${max}` })
    .default(def)
    .describe(what);

export const int = (min: number, max: number, def: number, what: string) =>
  z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .min(min, { error: `value should be between ${min} and ${max}` })
    .max(max, { error: `value should be between ${min} and ${max}` })
    .default(def)
    .describe(what);

/** Kong's shared queue parameters (kong/tools/queue_schema.lua; seconds for times): http-log, opentelemetry. */
export const queueSchema = z
  .object({
    max_batch_size: int(1, 1_000_000, 1, "Maximum number of entries sent in one request."),
    max_coalescing_delay: seconds(
      0,
      3600,
      1,
      "Seconds to wait for more entries before sending a batch that is not full.",
    ),
    max_entries: int(
      1,
      1_000_000,
      10_000,
      "Maximum entries waiting; above, the oldest are dropped.",
    ),
    max_retry_time: seconds(
      0,
      1_000_000,
      60,
      "Seconds a failing batch is retried before it is dropped.",
    ),
    initial_retry_delay: seconds(0.001, 1_000_000, 0.01, "Seconds before the first retry."),
    max_retry_delay: seconds(0.001, 1_000_000, 60, "Longest wait between retries, in seconds."),
    max_bytes: z
      .number({ error: "expected an integer" })
      .int({ error: "expected an integer" })
      .min(1, { error: "value should be at least 1" })
      .nullish()
      .describe(
        "Maximum bytes of entries waiting (their JSON text); above, the oldest are dropped. Unset: no limit.",
      )
      .meta({ examples: [1_048_576] }),
    concurrency_limit: z
      .number({ error: "expected an integer" })
      .int({ error: "expected an integer" })
      .refine((n) => n === 1 || n === -1, { error: "expected one of: -1, 1" })
      .default(1)
      .describe(
        "1: one batch in flight at a time (entries wait in the queue). -1: no queue, every entry is sent at once on its own.",
      )
      .meta({ examples: [-1] }),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.initial_retry_delay > q.max_retry_delay)
      ctx.addIssue({
        code: "custom",
        path: ["initial_retry_delay"],
        message: "must not be larger than max_retry_delay",
      });
  });

export type QueueConfig = z.output<typeof queueSchema>;

const deprecatedInt = (min: number, max: number, what: string) =>
  z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .min(min, { error: `value should be between ${min} and ${max}` })
    .max(max, { error: `value should be between ${min} and ${max}` })
    .nullish()
    .describe(`Deprecated (Kong): use ${what}; moved there when saved.`)
    .meta({ deprecated: true });

/**
 * Kong 3.9's deprecated flat queue fields (to be removed in Kong 4.0), as Kong's
 * Queue.get_plugin_params reads them: each sets its `queue` field unless it holds its old default.
 * `retry_count` no longer works in Kong (retries follow `queue.max_retry_time`) and is dropped.
 * Accepted on input, moved by moveDeprecatedQueueFields before the config is stored, never in forms
 * (`deprecated`).
 */
const DEPRECATED_QUEUE = {
  queue_size: { field: "max_batch_size", oldDefault: 1 },
  flush_timeout: { field: "max_coalescing_delay", oldDefault: 2 },
  batch_span_count: { field: "max_batch_size", oldDefault: 200 },
  batch_flush_delay: { field: "max_coalescing_delay", oldDefault: 3 },
} as const;
type DeprecatedQueueField = keyof typeof DEPRECATED_QUEUE | "retry_count";

/** http-log's: `retry_count`, `queue_size`, `flush_timeout`. */
export const deprecatedQueueFields = {
  retry_count: z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .nullish()
    .describe(
      "Deprecated (Kong): no longer works, retries follow queue.max_retry_time; dropped when saved.",
    )
    .meta({ deprecated: true }),
  queue_size: deprecatedInt(1, 1_000_000, "queue.max_batch_size"),
  flush_timeout: z
    .number({ error: "expected a number" })
    .min(0, { error: "value should be between 0 and 3600" })
    .max(3600, { error: "value should be between 0 and 3600" })
    .nullish()
    .describe("Deprecated (Kong): use queue.max_coalescing_delay; moved there when saved.")
    .meta({ deprecated: true }),
};

/** opentelemetry's: `batch_span_count`, `batch_flush_delay` (integers in Kong). */
export const deprecatedSpanQueueFields = {
  batch_span_count: deprecatedInt(1, 1_000_000, "queue.max_batch_size"),
  batch_flush_delay: deprecatedInt(0, 3600, "queue.max_coalescing_delay"),
};

type DeprecatedQueueInput = { queue: QueueConfig } & {
  [K in DeprecatedQueueField]?: number | null;
};

/** The config without the deprecated flat fields, their values moved into `queue`. */
export function moveDeprecatedQueueFields<T extends DeprecatedQueueInput>(
  input: T,
): Omit<T, DeprecatedQueueField> {
  const rest: Record<string, unknown> = { ...input };
  const queue = { ...input.queue };
  delete rest.retry_count;
  for (const [name, { field, oldDefault }] of Object.entries(DEPRECATED_QUEUE)) {
    const v = input[name as keyof typeof DEPRECATED_QUEUE];
    delete rest[name];
    if (v != null && v !== oldDefault) queue[field] = v;
  }
  return { ...rest, queue } as Omit<T, DeprecatedQueueField>;
}
