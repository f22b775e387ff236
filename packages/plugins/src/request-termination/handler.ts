import { hostname } from "node:os";
import type { Kit, RequestBody } from "@gatehouse/plugin-kit";
import { definePlugin, defaultMessage } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { RequestTerminationConfig } from "./schema.js";
import { requestTerminationSchema } from "./schema.js";

// Kong's request-termination defaults; other codes fall back to the kit's messages.
const DEFAULT_RESPONSE: Record<number, string> = {
  401: "Unauthorized",
  404: "Not found",
  405: "Method not allowed",
  500: "An unexpected error occurred",
  502: "Bad Gateway",
  503: "Service unavailable",
};

/** Kong's kong.request.get_body() returns a table: a form or multipart body (even empty), or JSON decoding to one. */
function hasBody(mime: RequestBody["mime"], raw: Buffer): boolean {
  if (mime !== "json") return mime !== undefined;
  try {
    const v: unknown = JSON.parse(raw.toString("utf8"));
    return typeof v === "object" && v !== null;
  } catch {
    return false;
  }
}

async function access(kit: Kit, conf: RequestTerminationConfig): Promise<void> {
  const status = conf.status_code;
  const trigger = conf.trigger ?? conf.echo_trigger ?? undefined;
  if (trigger) {
    if (
      kit.request.getHeader(trigger) === undefined &&
      kit.request.getQuery()[trigger] === undefined
    )
      return;
  }
  const message = conf.message ?? DEFAULT_RESPONSE[status] ?? defaultMessage(status);
  if (conf.echo) {
    const raw = await kit.request.getRawBody();
    const body = await kit.request.getBody();
    kit.response.exit(status, {
      message,
      gatehouse: { hostname: hostname(), pid: process.pid },
      request: {
        scheme: kit.request.getScheme(),
        host: kit.request.getHost(),
        port: kit.request.getPort(),
        headers: { ...kit.request.getHeaders().headers },
        query: kit.request.getQuery(),
        // Kong: no parsable body (none, an unknown content type, JSON that is not an object) leaves the key out
        ...(hasBody(body.mime, raw) ? { body: body.args } : {}),
        raw_body: raw.toString("utf8"),
        method: kit.request.getMethod(),
        path: kit.request.getPath(),
        uri_captures: kit.request.getUriCaptures(),
      },
      matched_route: kit.router.getRoute() ?? null,
      matched_service: kit.router.getService() ?? null,
    });
    return;
  }
  if (conf.body != null) {
    kit.response.exit(status, conf.body, {
      "Content-Type": conf.content_type ?? "application/json; charset=utf-8",
    });
    return;
  }
  kit.response.exit(status, { message });
}

export const requestTermination = definePlugin({
  name: "request-termination",
  version: "1.0.0",
  priority: 2,
  configSchema: requestTerminationSchema,
  phases: { access },
  meta: {
    title: "Request Termination",
    category: "traffic control",
    summary: "Answers every request in its scope with a fixed status and message or body.",
    icon: "octagon-x",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
