/**
 * Test kit: runs plugins through the real Transaction (same phase rules as the data plane) against a
 * fake client request and a fake upstream response, without any server.
 */
import type { Chain, PluginInstanceSpec } from "./chains.js";
import { chainOf, compileChains } from "./chains.js";
import type { PluginDefinition } from "./define.js";
import { validatePluginConfig } from "./define.js";
import type { HeaderRecord, NodeHeaders } from "./headers.js";
import { headerKey } from "./headers.js";
import type {
  ConnectionInfo,
  ProxyRequest,
  TraceEntry,
  UpstreamFailureKind,
} from "./transaction.js";
import { Transaction } from "./transaction.js";
import type { CredentialLookup, KitLogger, ResponseSource } from "./types.js";

export interface FakeRequest {
  method?: string;
  scheme?: string;
  host?: string;
  port?: number;
  path?: string;
  /** raw query, with or without "?" */
  query?: string;
  headers?: NodeHeaders;
  clientIp?: string;
  body?: string | Buffer;
  /** the client connection as the data plane would report it */
  connection?: ConnectionInfo;
}

export type FakeUpstream =
  | {
      status?: number;
      headers?: NodeHeaders;
      body?: string | Buffer | Record<string, unknown> | unknown[];
    }
  | { fail: UpstreamFailureKind; error?: unknown };

export interface RunOptions {
  request?: FakeRequest;
  upstream?: FakeUpstream;
  route?: unknown;
  service?: unknown;
  credentials?: CredentialLookup;
  trace?: boolean;
  /** passed to runLog() */
  logInfo?: Record<string, unknown>;
  /** runPlugin: the plugin instance id (kit.instanceId) */
  instanceId?: string;
}

export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  obj: unknown;
  msg: string | undefined;
}

export interface TestResponse {
  status: number;
  headers: HeaderRecord;
  body: Buffer;
  text: string;
  /** case-insensitive, first value */
  header(name: string): string | undefined;
  json<T = unknown>(): T;
}

export interface RunResult {
  response: TestResponse;
  source: ResponseSource | undefined;
  trace: TraceEntry[];
  /** what the gateway would have sent upstream (undefined when not proxied); body resolved */
  upstreamRequest: (ProxyRequest & { body: Buffer }) | undefined;
  /** whether the client body was read (buffered) by a plugin */
  bodyRead: boolean;
  logs: LogRecord[];
  tx: Transaction;
}

export function memoryLogger(records: LogRecord[]): KitLogger {
  const at =
    (level: LogRecord["level"]) =>
    (obj: unknown, msg?: string): void => {
      records.push({ level, obj, msg });
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function toBuffer(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

/** Runs an already built chain like the gateway does. */
export async function runTransaction(chain: Chain, opts: RunOptions = {}): Promise<RunResult> {
  const req = opts.request ?? {};
  const reqBody = toBuffer(req.body);
  let bodyRead = false;
  const logs: LogRecord[] = [];
  const headers: NodeHeaders = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  // a body gets a Content-Length unless the request says it is chunked
  if (
    req.body !== undefined &&
    headers["content-length"] === undefined &&
    headers["transfer-encoding"] === undefined
  )
    headers["content-length"] = String(reqBody.length);
  const rawQuery = req.query ?? "";
  const tx = new Transaction({
    chain,
    request: {
      method: req.method ?? "GET",
      scheme: req.scheme ?? "http",
      host: req.host ?? "example.test",
      port: req.port ?? 8000,
      path: req.path ?? "/",
      rawQuery: rawQuery.startsWith("?") ? rawQuery.slice(1) : rawQuery,
      headers,
      clientIp: req.clientIp ?? "127.0.0.1",
      ...(req.connection ? { connection: req.connection } : {}),
      readBody: async () => {
        bodyRead = true;
        return reqBody;
      },
    },
    route: opts.route,
    service: opts.service,
    credentials: opts.credentials ?? {},
    log: memoryLogger(logs),
    trace: opts.trace ?? false,
  });

  await tx.runAccess();
  const result = tx.result;
  let upstreamRequest: RunResult["upstreamRequest"];
  let upstreamBody: Buffer = Buffer.alloc(0);
  if (result.kind === "proxy") {
    upstreamRequest = { ...result.request, body: result.request.body ?? reqBody };
    const up = opts.upstream ?? {};
    if ("fail" in up) {
      await tx.upstreamFailed({
        kind: up.fail,
        error: up.error ?? new Error(`upstream ${up.fail}`),
      });
      await tx.runHeaderFilter();
    } else {
      upstreamBody = toBuffer(up.body);
      const upHeaders: NodeHeaders = { ...(up.headers ?? {}) };
      const hasLength = Object.keys(upHeaders).some((k) => k.toLowerCase() === "content-length");
      if (!hasLength) upHeaders["content-length"] = String(upstreamBody.length);
      const hasType = Object.keys(upHeaders).some((k) => k.toLowerCase() === "content-type");
      if (
        !hasType &&
        up.body !== undefined &&
        typeof up.body === "object" &&
        !Buffer.isBuffer(up.body)
      ) {
        upHeaders["content-type"] = "application/json";
      }
      await tx.runHeaderFilter({ status: up.status ?? 200, headers: upHeaders, source: "service" });
    }
  } else {
    await tx.runHeaderFilter();
  }
  let body = tx.responseBody ?? upstreamBody;
  if (tx.needsBodyBuffering) body = await tx.runBodyFilter(body);
  if (tx.noBody) body = Buffer.alloc(0);
  await tx.runLog(opts.logInfo ?? {});

  const head = tx.responseHead;
  const text = body.toString("utf8");
  const response: TestResponse = {
    status: head.status,
    headers: head.headers,
    body,
    text,
    header(name: string) {
      const key = headerKey(name);
      for (const k of Object.keys(head.headers)) {
        if (headerKey(k) === key) {
          const v = head.headers[k];
          return Array.isArray(v) ? v[0] : v;
        }
      }
      return undefined;
    },
    json<T>() {
      return JSON.parse(text) as T;
    },
  };
  return { response, source: tx.source, trace: tx.trace, upstreamRequest, bodyRead, logs, tx };
}

/** Runs one plugin with a raw config (validated first; invalid config throws with every error). */
export async function runPlugin(
  def: PluginDefinition,
  config: unknown,
  opts: RunOptions = {},
): Promise<RunResult> {
  const v = validatePluginConfig(def, config);
  if (!v.ok)
    throw new Error(`invalid config: ${v.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  const entry = { def, config: v.config, ...(opts.instanceId ? { id: opts.instanceId } : {}) };
  return runTransaction(chainOf([entry]), opts);
}

/** Runs several plugin instances resolved like the gateway does (scopes, priorities). */
export async function runChain(
  specs: PluginInstanceSpec[],
  catalog: ReadonlyMap<string, PluginDefinition>,
  opts: RunOptions & { routeId?: string; serviceId?: string } = {},
): Promise<RunResult> {
  const chains = compileChains(specs, catalog);
  return runTransaction(chains.forRoute(opts.routeId, opts.serviceId), opts);
}

export { chainOf };
