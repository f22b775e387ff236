/** Small answers the gateway writes itself (routing errors, fast-path failures, internal errors). */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { CONTENT_TYPES, formatFromAccept, renderError } from "@gatehouse/plugin-kit";

/** Send a small error body formatted by the request's Accept (JSON by default). */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  extra?: OutgoingHttpHeaders,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const format = formatFromAccept(req.headers.accept);
  const body = renderError(format, message);
  const headers: OutgoingHttpHeaders = {
    "content-type": CONTENT_TYPES[format],
    "content-length": Buffer.byteLength(body),
    ...extra,
  };
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** `{ name: value | values }` → `[name, value, name, value, ...]` (what writeHead takes as is). */
export function flatHeaders(h: Record<string, string | string[] | number | undefined>): string[] {
  const out: string[] = [];
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(k, x);
    else out.push(k, String(v));
  }
  return out;
}

export function nodeHeaders(
  h: Record<string, string | string[] | number | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    out[k] = typeof v === "number" ? String(v) : v;
  }
  return out;
}
