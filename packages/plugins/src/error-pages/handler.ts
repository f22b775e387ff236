import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin, defaultMessage, HTTP_MESSAGES, UpstreamError } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { ErrorPagesConfig, PageFormat } from "./schema.js";
import { errorPagesSchema } from "./schema.js";

const DONE = "error-pages:done";

export const CONTENT_TYPE: Readonly<Record<PageFormat, string>> = {
  json: "application/json; charset=utf-8",
  problem: "application/problem+json; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  html: "text/html; charset=utf-8",
  text: "text/plain; charset=utf-8",
};

export const DEFAULT_TEMPLATES: Readonly<Record<PageFormat, string>> = {
  json: '{"message":"{{message}}","status":{{status}},"request_id":"{{request_id}}"}',
  problem:
    '{"type":"{{type}}","title":"{{title}}","status":{{status}},"detail":"{{message}}",' +
    '"instance":"{{path}}","request_id":"{{request_id}}"}',
  xml:
    '<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <status>{{status}}</status>\n' +
    "  <message>{{message}}</message>\n  <request_id>{{request_id}}</request_id>\n</error>\n",
  html:
    '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>{{status}} {{title}}</title>\n' +
    "  </head>\n  <body>\n    <h1>{{status}} {{title}}</h1>\n    <p>{{message}}</p>\n" +
    "    <p><small>Request id: {{request_id}}</small></p>\n  </body>\n</html>\n",
  text: "{{status}} {{title}}: {{message}}\nrequest id: {{request_id}}\n",
};

/** Media type (essence, lower case) → format; wildcards → undefined (the configured default). */
function formatOf(essence: string): PageFormat | undefined {
  switch (essence) {
    case "application/problem+json":
      return "problem";
    case "application/json":
      return "json";
    case "application/xml":
    case "text/xml":
    case "application/problem+xml":
      return "xml";
    case "text/html":
    case "application/xhtml+xml":
      return "html";
    case "text/plain":
      return "text";
    default:
      return essence.endsWith("+json") ? "json" : essence.endsWith("+xml") ? "xml" : undefined;
  }
}

/** The acceptable format with the highest q (first on ties); wildcards and nothing usable → fallback. */
export function negotiate(accept: string | undefined, fallback: PageFormat): PageFormat {
  if (!accept) return fallback;
  let best: PageFormat | undefined;
  let bestQ = 0;
  let wildcardQ = 0;
  for (const part of accept.split(",")) {
    const params = part.split(";");
    const essence = (params[0] ?? "").trim().toLowerCase();
    let q = 1;
    for (let i = 1; i < params.length; i++) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(params[i] ?? "");
      if (m) q = Math.min(Math.max(Number(m[1]) || 0, 0), 1);
    }
    if (essence === "*/*" || essence === "application/*" || essence === "text/*") {
      wildcardQ = Math.max(wildcardQ, q);
      continue;
    }
    const f = formatOf(essence);
    if (f && q > bestQ) {
      best = f;
      bestQ = q;
    }
  }
  return best !== undefined && bestQ >= wildcardQ ? best : fallback;
}

const VAR = /\{\{\s*([a-z_]+)\s*\}\}/g;
// eslint-disable-next-line no-control-regex -- stripping control characters from plain text
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function escapeFor(format: PageFormat, value: string): string {
  if (format === "json" || format === "problem") return JSON.stringify(value).slice(1, -1);
  if (format === "text") return value.replace(CONTROL, "");
  return value.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}

export function renderTemplate(
  format: PageFormat,
  template: string,
  vars: Record<string, string>,
): string {
  return template.replace(VAR, (_, name: string) => escapeFor(format, vars[name] ?? ""));
}

function nameOf(entity: unknown): string {
  if (typeof entity !== "object" || entity === null) return "";
  const e = entity as { name?: unknown; id?: unknown };
  return typeof e.name === "string" ? e.name : typeof e.id === "string" ? e.id : "";
}

function requestId(kit: Kit): string {
  const id = kit.ctx.get("correlation-id");
  if (typeof id === "string") return id;
  return kit.request.getHeader("x-request-id") ?? kit.request.getHeader("kong-request-id") ?? "";
}

/** Replaces the current response by the page for `status`. */
function render(kit: Kit, conf: ErrorPagesConfig, status: number, message: string): void {
  const override = conf.overrides.find((o) => o.status === status);
  const format = negotiate(kit.request.getHeader("accept"), conf.default_format);
  const template =
    override?.templates?.[format] ?? conf.templates[format] ?? DEFAULT_TEMPLATES[format];
  const body = renderTemplate(format, template, {
    status: String(status),
    title: HTTP_MESSAGES[status] ?? defaultMessage(status),
    message: override?.message ?? message,
    request_id: requestId(kit),
    route: nameOf(kit.router.getRoute()),
    service: nameOf(kit.router.getService()),
    method: kit.request.getMethod(),
    path: kit.request.getPath(),
    type: conf.problem_type,
  });
  kit.ctx.set(DONE, true);
  kit.response.addHeader("Vary", "Accept");
  kit.response.exit(status, body, { "Content-Type": CONTENT_TYPE[format] });
}

function headerFilter(kit: Kit, conf: ErrorPagesConfig): void {
  if (kit.ctx.get(DONE) === true) return;
  const status = kit.response.getStatus();
  if (status < 400) return;
  let message = kit.response.getErrorMessage();
  if (message === undefined) {
    const fromService = kit.response.getSource() === "service";
    if (fromService ? !conf.replace_upstream_errors : !conf.replace_exit_bodies) return;
    message = defaultMessage(status);
  }
  render(kit, conf, status, message);
}

/** Thrown errors and upstream failures: never the error's own text (no internals leak). */
function onError(kit: Kit, conf: ErrorPagesConfig, err: unknown): void {
  const status = err instanceof UpstreamError ? err.status : 500;
  render(kit, conf, status, defaultMessage(status));
}

export const errorPages = definePlugin({
  name: "error-pages",
  version: "1.0.0",
  priority: 1,
  configSchema: errorPagesSchema,
  phases: { header_filter: headerFilter },
  catch: onError,
  meta: {
    title: "Error Pages",
    category: "transformation",
    summary:
      "One error model: JSON, problem+json, XML, HTML or text error bodies chosen by Accept, from templates.",
    icon: "file-warning",
    scopes: ["global", "service", "route"],
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
