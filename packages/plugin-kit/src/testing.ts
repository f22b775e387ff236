/**
 * Test kit: runs plugins through the data plane's own runner (runPipeline: same phase order and rules)
 * with a fake adapter standing for the client request and the upstream response, without any server.
 */
import type { Chain, PluginInstanceSpec } from "./chains.js";
import { chainOf, compileChains } from "./chains.js";
import type { PluginDefinition } from "./define.js";
import { validatePluginConfig } from "./define.js";
import type { HeaderRecord, NodeHeaders } from "./headers.js";
import { headerKey } from "./headers.js";
import type { PipelineIO, UpstreamOutcome } from "./runner.js";
import { runPipeline } from "./runner.js";
import type {
  ConnectionInfo,
  ProxyRequest,
  ResponseHead,
  TraceEntry,
  Transaction,
  TransactionResult,
  UpstreamFailureKind,
} from "./transaction.js";
import {
  EMPTY,
  createTransaction,
  hasNoBody,
  kitResponseBody,
  transactionResult,
} from "./transaction.js";
import type {
  Consumer,
  Credential,
  CredentialLookup,
  KitLogger,
  ResponseSource,
  UriCaptures,
} from "./types.js";

export type { TraceEntry };

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
  /** the route's regex path captures, as the router would give them */
  uriCaptures?: UriCaptures;
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
  /** what the log phase gets as kit.logInfo */
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
  tx: TransactionView;
}

/** The transaction after the run, for assertions. */
export interface TransactionView {
  /** the transaction's state */
  readonly state: Transaction;
  readonly result: TransactionResult;
  /** the body the kit produced (exit / error / failure); undefined when the upstream's was used */
  readonly responseBody: Buffer | undefined;
  readonly needsBodyBuffering: boolean;
  readonly consumer: Consumer | undefined;
  readonly credential: Credential | undefined;
  readonly source: ResponseSource | undefined;
  readonly chain: Chain;
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

/** The fake data plane: records what would go upstream, answers with `upstream`, keeps what is sent. */
class FakeIO implements PipelineIO {
  upstreamRequest: RunResult["upstreamRequest"];
  head: ResponseHead | undefined;
  body: Buffer = EMPTY;
  private upstreamBody: Buffer = EMPTY;

  constructor(
    private readonly tx: Transaction,
    private readonly reqBody: Buffer,
    private readonly opts: RunOptions,
  ) {}

  proxy(request: ProxyRequest): Promise<UpstreamOutcome> {
    this.upstreamRequest = { ...request, body: request.body ?? this.reqBody };
    const up = this.opts.upstream ?? {};
    if ("fail" in up) {
      return Promise.resolve({
        kind: "failed",
        failure: up.fail,
        error: up.error ?? new Error(`upstream ${up.fail}`),
      });
    }
    this.upstreamBody = toBuffer(up.body);
    const headers: NodeHeaders = { ...(up.headers ?? {}) };
    const hasLength = Object.keys(headers).some((k) => k.toLowerCase() === "content-length");
    if (!hasLength) headers["content-length"] = String(this.upstreamBody.length);
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
    if (
      !hasType &&
      up.body !== undefined &&
      typeof up.body === "object" &&
      !Buffer.isBuffer(up.body)
    )
      headers["content-type"] = "application/json";
    return Promise.resolve({ kind: "response", status: up.status ?? 200, headers });
  }

  stream(head: ResponseHead): void {
    this.head = head;
    this.body = hasNoBody(this.tx) ? EMPTY : this.upstreamBody;
  }

  readUpstreamBody(): Promise<Buffer> {
    return Promise.resolve(this.upstreamBody);
  }

  discardUpstreamBody(): void {}

  send(head: ResponseHead, body: Buffer | undefined): boolean {
    this.head = head;
    this.body = body ?? EMPTY;
    return true;
  }

  logInfo(): Record<string, unknown> {
    return this.opts.logInfo ?? {};
  }
}

function viewOf(tx: Transaction): TransactionView {
  return {
    state: tx,
    get result() {
      return transactionResult(tx);
    },
    get responseBody() {
      return kitResponseBody(tx);
    },
    get needsBodyBuffering() {
      return tx.chain.hasBodyFilter;
    },
    get consumer() {
      return tx.consumer;
    },
    get credential() {
      return tx.credential;
    },
    get source() {
      return tx.source;
    },
    get chain() {
      return tx.chain;
    },
  };
}

/** Runs an already built chain through the data plane's runner, with the fake adapter. */
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
  const tx = createTransaction({
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
      ...(req.uriCaptures ? { uriCaptures: req.uriCaptures } : {}),
      readBody: () => {
        bodyRead = true;
        return Promise.resolve(reqBody);
      },
    },
    route: opts.route,
    service: opts.service,
    credentials: opts.credentials ?? {},
    log: memoryLogger(logs),
    trace: opts.trace ?? false,
  });
  const io = new FakeIO(tx, reqBody, opts);
  await runPipeline(tx, io);

  const head = io.head ?? { status: tx.status, headers: tx.resHeaders.toRecord() };
  const body = io.body;
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
  return {
    response,
    source: tx.source,
    trace: tx.trace,
    upstreamRequest: io.upstreamRequest,
    bodyRead,
    logs,
    tx: viewOf(tx),
  };
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
