import { z } from "zod";

const flag = (description: string) =>
  z.boolean({ error: "expected a boolean" }).default(false).describe(description);

export const prometheusSchema = z
  .object({
    per_consumer: flag(
      "Fill in the consumer label (the consumer's username) of kong_http_requests_total and kong_bandwidth_bytes when a consumer is authenticated.",
    ),
    status_code_metrics: flag(
      "Export kong_http_requests_total (by service, route, status code, source and consumer).",
    ),
    latency_metrics: flag(
      "Export kong_request_latency_ms, kong_upstream_latency_ms and kong_kong_latency_ms histograms.",
    ),
    bandwidth_metrics: flag(
      "Export kong_bandwidth_bytes (ingress and egress, per service and route).",
    ),
    upstream_health_metrics: flag(
      "Export kong_upstream_target_health (one series per state of each upstream target, 1 for its current state).",
    ),
    ai_metrics: flag("Kong's AI metrics (accepted for decK files; Gatehouse has no AI proxy)."),
  })
  .strict();

export type PrometheusConfig = z.output<typeof prometheusSchema>;
