import "server-only";
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { DEBUG_HEADER, TRACE_HEADER, decodeTrace } from "@gatehouse/config";
import type { Trace } from "@gatehouse/config";
import { z } from "zod";
import { env } from "@/env";
import { db } from "@/server/db";
import { ApiError, validationError } from "@/server/http/errors";

/** Largest request body the simulator sends (bytes of text). */
export const MAX_SIMULATED_BODY = 64 * 1024;
/** Largest part of the response body returned (bytes); the rest is cut off. */
export const MAX_RESPONSE_BODY = 64 * 1024;
/** How long the data plane has to answer (ms). */
export const SIMULATE_TIMEOUT_MS = 10_000;

export const SIMULATE_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
] as const;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** headers the simulator sets itself (or that would corrupt the request) */
const RESERVED = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "expect",
  "te",
  DEBUG_HEADER,
]);

export const simulateSchema = z.strictObject({
  data_plane_id: z.string().min(1, "is required").max(128),
  method: z.enum(SIMULATE_METHODS, { error: `must be one of ${SIMULATE_METHODS.join(", ")}` }),
  path: z
    .string()
    .max(4096, "must be at most 4096 characters")
    .regex(/^\//, 'must start with "/"')
    .regex(/^[\x21-\x7e]*$/, "must not contain spaces or control characters (percent-encode them)"),
  host: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/, {
      error: "must be a host name with an optional :port",
    })
    .nullish(),
  headers: z
    .record(
      z.string().regex(TOKEN, "must be a header name (letters, digits, '-', ...)"),
      z
        .string()
        .max(8192, "must be at most 8192 characters")
        .regex(/^[\t\x20-\x7e\x80-\xff]*$/, "must not contain control characters"),
    )
    .nullish(),
  body: z
    .string()
    .refine((s) => Buffer.byteLength(s) <= MAX_SIMULATED_BODY, {
      error: `must be at most ${MAX_SIMULATED_BODY} bytes`,
    })
    .nullish(),
});

export type SimulateInput = z.output<typeof simulateSchema>;

export interface SimulateResult {
  data_plane: { id: string; proxy_url: string };
  request: { method: string; url: string; host: string };
  status: number;
  headers: Record<string, string | string[]>;
  /**
   * null when hidden: an upstream's body is shown to admins, and to editors only when an admin
   * enabled the `simulator_show_body` setting (a service may point at an internal endpoint); a
   * body a plugin or the gateway produced (trace source exit / error) is always shown
   */
  body: string | null;
  body_hidden: boolean;
  body_bytes: number;
  body_truncated: boolean;
  /** null when the data plane sent none (no route matched, or another debug token) */
  trace: Trace | null;
  duration_ms: number;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.message ? ` (${e.message})` : ""}` : String(e.message ?? error);
}

/**
 * Sends the composed request to a registered data plane's proxy URL (never a URL from the caller)
 * with `X-Gatehouse-Debug`, and returns the answer with the data plane's parsed trace (the body
 * only when `showBody`).
 */
export async function simulate(
  input: SimulateInput,
  opts: { showBody: boolean },
): Promise<SimulateResult> {
  const reserved = Object.keys(input.headers ?? {}).filter((n) => RESERVED.has(n.toLowerCase()));
  if (reserved.length > 0) {
    throw validationError(
      reserved.map((n) => ({
        path: `headers.${n}`,
        message:
          n.toLowerCase() === "host"
            ? 'is set with the "host" field'
            : "is set by the simulator and cannot be given",
      })),
    );
  }
  const token = env().GATEHOUSE_DEBUG_TOKEN;
  if (!token) {
    throw new ApiError(
      "unavailable",
      "the request simulator needs GATEHOUSE_DEBUG_TOKEN in the admin's environment (the same value as the data planes')",
    );
  }
  const plane = await db().dataPlane.findUnique({
    where: { id: input.data_plane_id },
    select: { id: true, address: true },
  });
  if (!plane) {
    throw validationError([{ path: "data_plane_id", message: "is not a registered data plane" }]);
  }
  if (!plane.address) {
    throw validationError([
      {
        path: "data_plane_id",
        message: "has not reported its proxy URL (a data plane older than the simulator)",
      },
    ]);
  }
  const base = new URL(plane.address);
  const host = input.host || base.host;
  const body = input.body ? Buffer.from(input.body) : undefined;
  const headers: OutgoingHttpHeaders = {
    ...input.headers,
    host,
    [DEBUG_HEADER]: token,
  };
  if (body !== undefined) headers["content-length"] = String(body.byteLength);
  const started = performance.now();
  const send = base.protocol === "https:" ? httpsRequest : httpRequest;
  const basePath = base.pathname.replace(/\/$/, "");

  const answer = await new Promise<{
    status: number;
    headers: IncomingHttpHeaders;
    body: Buffer;
    bytes: number;
    truncated: boolean;
  }>((resolve, reject) => {
    const req = send({
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ""),
      port: base.port || undefined,
      method: input.method,
      path: basePath + input.path,
      headers,
      agent: false,
      timeout: SIMULATE_TIMEOUT_MS,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${SIMULATE_TIMEOUT_MS / 1000} s`));
    }, SIMULATE_TIMEOUT_MS);
    req.on("timeout", () =>
      req.destroy(new Error(`no answer within ${SIMULATE_TIMEOUT_MS / 1000} s`)),
    );
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (kept < MAX_RESPONSE_BODY) {
          const part = chunk.subarray(0, MAX_RESPONSE_BODY - kept);
          chunks.push(part);
          kept += part.byteLength;
        }
        if (bytes > MAX_RESPONSE_BODY) {
          // enough: stop reading, what was kept is shown as truncated
          clearTimeout(timer);
          res.destroy();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            bytes,
            truncated: true,
          });
        }
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          bytes,
          truncated: false,
        });
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.end(body);
  }).catch((error: unknown) => {
    throw new ApiError(
      "unavailable",
      `data plane ${JSON.stringify(plane.id)} at ${plane.address} did not answer: ${describe(error)}`,
    );
  });

  const { [TRACE_HEADER]: rawTrace, ...responseHeaders } = answer.headers;
  const cleanHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(responseHeaders)) {
    if (value !== undefined) cleanHeaders[name] = value;
  }
  const trace = decodeTrace(rawTrace);
  // a body a plugin or the gateway produced (exit, error) tells nothing about an upstream
  const showBody = opts.showBody || trace?.source === "exit" || trace?.source === "error";
  return {
    data_plane: { id: plane.id, proxy_url: plane.address },
    request: {
      method: input.method,
      url: `${plane.address.replace(/\/$/, "")}${input.path}`,
      host,
    },
    status: answer.status,
    headers: cleanHeaders,
    body: showBody ? answer.body.toString("utf8") : null,
    body_hidden: !showBody,
    body_bytes: answer.bytes,
    body_truncated: answer.truncated,
    trace,
    duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
  };
}
