import { z } from "zod";
import {
  deprecatedSpanQueueFields,
  headerName,
  headerValue,
  moveDeprecatedQueueFields,
  queueSchema,
} from "../shared/fields.js";

/** Trace header formats Gatehouse reads and writes (Kong's others: jaeger, ot, aws, gcp, datadog, instana). */
export const FORMATS = ["w3c", "b3", "b3-single"] as const;
export type Format = (typeof FORMATS)[number];
const NOT_SUPPORTED =
  "jaeger, ot, aws, gcp, datadog and instana are Kong formats Gatehouse does not support";
const formatEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of: ${values.join(", ")} (${NOT_SUPPORTED})` });

export const ERR_LOGS =
  "logs_endpoint is not supported: Gatehouse exports traces only (set traces_endpoint)";

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http or https URL" });

const timeout = (def: number, what: string) =>
  z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .min(0, { error: "value should be between 0 and 2147483646" })
    .max(2147483646, { error: "value should be between 0 and 2147483646" })
    .default(def)
    .describe(what);

const propagationSchema = z
  .object({
    extract: z
      .array(formatEnum(["w3c", "b3"] as const))
      .nullish()
      .describe(
        "Header formats the trace context is read from, first found wins (b3 reads b3-single too); empty: always a new trace. Unset: every format, and inject follows header_type.",
      ),
    clear: z
      .array(headerName)
      .nullish()
      .describe("Request headers removed after extraction (not sent upstream)."),
    inject: z
      .array(formatEnum(["preserve", ...FORMATS] as const))
      .nullish()
      .describe(
        "Header formats written to the upstream request; preserve = the incoming request's format (default_format when none). Empty: nothing injected.",
      ),
    default_format: formatEnum(FORMATS)
      .default("w3c")
      .describe("Format injected for preserve when the request carried no trace context."),
  })
  .strict();

export const opentelemetrySchema = z
  .object({
    traces_endpoint: httpUrl
      .describe(
        "OTLP/HTTP traces endpoint the spans are sent to (e.g. an OpenTelemetry Collector's /v1/traces).",
      )
      .meta({ examples: ["http://127.0.0.1:4318/v1/traces"] }),
    traces_encoding: z
      .enum(["protobuf", "json"], { error: "expected one of: protobuf, json" })
      .default("protobuf")
      .describe("OTLP/HTTP body encoding: protobuf (Kong's) or json (a Gatehouse addition)."),
    logs_endpoint: z
      .unknown()
      .optional()
      .refine((v) => v === undefined || v === null, { error: ERR_LOGS })
      .describe("Kong's OTLP logs endpoint; not supported by Gatehouse.")
      .meta({ deprecated: true }),
    headers: z
      .record(z.string(), headerValue)
      .superRefine((h, ctx) => {
        for (const name of Object.keys(h)) {
          const r = headerName.safeParse(name);
          if (!r.success)
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: r.error.issues[0]?.message ?? "",
            });
        }
      })
      .nullish()
      .describe("Headers added to every request to the OTLP endpoint (e.g. an APM token).")
      .meta({ examples: [{ Authorization: "Bearer <token>" }] }),
    resource_attributes: z
      .record(z.string(), z.string().min(1, { error: "required field missing" }))
      .nullish()
      .describe(
        "Attributes of the OpenTelemetry resource; service.name defaults to kong, service.version to Gatehouse's version.",
      ),
    queue: queueSchema
      .default(queueSchema.parse({ max_batch_size: 200 }))
      .describe(
        "Batching of spans: max_batch_size spans per request, max_coalescing_delay seconds, max_entries (and max_bytes of encoded spans) queued, concurrency_limit batches in flight.",
      ),
    ...deprecatedSpanQueueFields,
    connect_timeout: timeout(1000, "Milliseconds to connect to the OTLP endpoint."),
    send_timeout: timeout(5000, "Milliseconds to send a batch."),
    read_timeout: timeout(5000, "Milliseconds to wait for the endpoint's answer."),
    http_response_header_for_traceid: headerName
      .nullish()
      .describe("Response header the trace id is sent in, when set.")
      .meta({ examples: ["X-Trace-Id"] }),
    header_type: formatEnum(["preserve", "ignore", ...FORMATS] as const)
      .default("preserve")
      .describe(
        "Kong's older setting, used when propagation's extract and inject are unset: preserve the incoming format, ignore incoming headers, or always inject this format.",
      ),
    sampling_rate: z
      .number({ error: "expected a number" })
      .min(0, { error: "value should be between 0 and 1" })
      .max(1, { error: "value should be between 0 and 1" })
      .nullish()
      .describe(
        "Probability a new trace is sampled (0 to 1). Unset: the data plane's --tracing-sampling-rate (Kong's tracing_sampling_rate, default 0.01). A request's sampled flag from its trace context is followed.",
      ),
    propagation: propagationSchema
      .default({ default_format: "w3c" })
      .describe("How the trace context is read from requests and written to the upstream."),
  })
  .strict()
  .transform(moveDeprecatedQueueFields);

export type OpenTelemetryConfig = z.output<typeof opentelemetrySchema>;
