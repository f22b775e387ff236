/**
 * The state of one request through the plugin chain: a plain object that the kit's modules
 * (request.ts, response.ts, client.ts, kit.ts) and the runner (runner.ts) read and write. Nothing here
 * runs a phase; runner.ts is the one place that knows the phase order.
 */
import type { Chain, ChainEntry } from "./chains.js";
import type { HeaderRecord, NodeHeaders } from "./headers.js";
import { HeaderStore } from "./headers.js";
import type { Phase, RunPhase } from "./phases.js";
import type {
  ConnectionInfo,
  Consumer,
  Credential,
  CredentialLookup,
  Kit,
  KitLogger,
  ResponseSource,
  UriCaptures,
  PhaseTiming,
} from "./types.js";

export type { ConnectionInfo };

/** The client request as the gateway saw it (path already normalized). */
export interface RequestInfo {
  method: string;
  scheme: string;
  host: string;
  port: number;
  path: string;
  /** query string without the leading "?" ("" when none) */
  rawQuery: string;
  headers: NodeHeaders;
  /** the client's address: the peer, or behind trusted proxies the real-IP header's (Kong's remote_addr) */
  clientIp: string;
  /** the TCP peer's address (Kong's realip_remote_addr); clientIp when not given */
  peerIp?: string;
  /**
   * Reads the whole request body (called at most once, only when a plugin asks for it). `maxBytes`:
   * the caller refuses bodies larger than that — the data plane may stop reading once the body passes
   * it and reject with BodyTooLargeError (or ignore the hint; the kit checks the length anyway).
   */
  readBody(maxBytes?: number): Promise<Buffer>;
  /** The client connection, when the data plane knows it (correlation-id's tracker). */
  connection?: ConnectionInfo;
  /** The route's regex path captures, when it has any (kit.request.getUriCaptures). */
  uriCaptures?: UriCaptures | null;
  /** The request's id, when the data plane has one (kit.request.getId makes one otherwise). */
  id?: string;
}

export type UpstreamFailureKind = "timeout" | "refused" | "reset" | "unavailable" | "cancelled";

export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  error?: unknown;
}

export const FAILURE_STATUS: Readonly<Record<UpstreamFailureKind, number>> = {
  timeout: 504,
  refused: 502,
  reset: 502,
  unavailable: 503,
  cancelled: 502,
};

/** What catch handlers receive for an upstream failure. */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  readonly status: number;
  constructor(
    readonly kind: UpstreamFailureKind,
    override readonly cause?: unknown,
  ) {
    super(`upstream ${kind}`);
    this.status = FAILURE_STATUS[kind];
  }
}

export interface ProxyRequest {
  method: string;
  /** the (possibly rewritten) path; see pathChanged */
  path: string;
  /** true when a plugin called setPath(): forward this path as-is (Kong's service.request.set_path) */
  pathChanged: boolean;
  /** raw query without "?" */
  query: string;
  headers: NodeHeaders;
  /** set when a plugin read or replaced the body: forward this instead of the client stream */
  body?: Buffer;
}

export type TransactionResult = { kind: "proxy"; request: ProxyRequest } | { kind: "respond" };

export interface TraceEntry {
  plugin: string;
  phase: Phase | "error";
  ms: number;
  outcome: "ok" | "exit" | "error" | "recovered";
  /** true when this entry is a catch handler */
  catch?: true;
}

/** The response as it stands: status and headers. */
export interface ResponseHead {
  status: number;
  headers: HeaderRecord;
}

export interface TransactionOptions {
  chain: Chain;
  request: RequestInfo;
  route?: unknown;
  service?: unknown;
  credentials?: CredentialLookup;
  log?: KitLogger;
  trace?: boolean;
  /**
   * The request matched no route (Kong's runloop): the chain (the global plugins) runs rewrite, then
   * this error answers in place of the access phase (Kong routes in access, before its plugins), then
   * header_filter, body_filter and log run.
   */
  noRoute?: { status: number; message: string };
}

/** A response header change made in rewrite/access, replayed on the upstream's headers. */
export type PreOp = [op: 0 | 1 | 2, name: string, values: string[]];

/** One request through the plugin chain (create with createTransaction, drive with runPipeline). */
export interface Transaction {
  readonly trace: TraceEntry[];
  /** the phase running ("idle" between phases) and its PHASE_BIT */
  phase: RunPhase;
  phaseBit: number;
  /** the chain entry (plugin instance) running */
  current: ChainEntry | undefined;
  /** the chain in effect (changes after authentication when consumer-scoped plugins apply) */
  chain: Chain;
  readonly baseChain: Chain;
  /** set by client.authenticate when the chain changed; the runner resumes in the new chain */
  chainSwitched: boolean;
  readonly info: RequestInfo;
  readonly route: unknown;
  readonly service: unknown;
  readonly credentials: CredentialLookup;
  readonly log: KitLogger;
  readonly traceOn: boolean;
  /** TransactionOptions.noRoute */
  readonly noRoute: { status: number; message: string } | undefined;
  /** the phase calls timed so far, when the chain asked for it (undefined otherwise: no cost) */
  timings: PhaseTiming[] | undefined;
  kit: Kit | undefined;

  // request side (request.ts, client.ts, the service kit)
  method: string;
  path: string;
  pathChanged: boolean;
  rawQuery: string;
  reqHeaders: HeaderStore | undefined;
  reqHeadersDirty: boolean;
  reqBody: Buffer | undefined;
  reqBodyPromise: Promise<Buffer> | undefined;
  consumer: Consumer | undefined;
  credential: Credential | undefined;
  cancelled: { reason: string } | undefined;
  ctx: Map<string, unknown> | undefined;
  /** kit.request.getId(), once made */
  requestId: string | undefined;
  logInfo: Record<string, unknown> | undefined;

  // response side (response.ts, the runner)
  status: number;
  resHeaders: HeaderStore;
  preOps: PreOp[] | undefined;
  /** the body the kit produced (exit / error / failure); undefined while the upstream's is used */
  kitBody: Buffer | undefined;
  errorMessage: string | undefined;
  /** the body body_filter plugins see and replace */
  filterBody: Buffer;
  source: ResponseSource | undefined;
  /** the kit produced the response (no proxying) */
  responded: boolean;
  /** a response was produced in the current phase (the phase stops) */
  exitedInPhase: boolean;
  /** an error flow ran: responses produced from now on have source "error" */
  unexpected: boolean;
}

const noop = (): void => {};
const NOOP_LOGGER: KitLogger = { debug: noop, info: noop, warn: noop, error: noop };
export const EMPTY = Buffer.alloc(0);

export function createTransaction(opts: TransactionOptions): Transaction {
  return {
    trace: [],
    phase: "idle",
    phaseBit: 0,
    current: undefined,
    chain: opts.chain,
    baseChain: opts.chain,
    chainSwitched: false,
    info: opts.request,
    route: opts.route,
    service: opts.service,
    credentials: opts.credentials ?? {},
    log: opts.log ?? NOOP_LOGGER,
    traceOn: opts.trace === true,
    noRoute: opts.noRoute,
    timings: opts.chain.timed ? [] : undefined,
    kit: undefined,
    method: opts.request.method,
    path: opts.request.path,
    pathChanged: false,
    rawQuery: opts.request.rawQuery,
    reqHeaders: undefined,
    reqHeadersDirty: false,
    reqBody: undefined,
    reqBodyPromise: undefined,
    consumer: undefined,
    credential: undefined,
    cancelled: undefined,
    ctx: undefined,
    requestId: opts.request.id,
    logInfo: undefined,
    status: 200,
    resHeaders: new HeaderStore(),
    preOps: undefined,
    kitBody: undefined,
    errorMessage: undefined,
    filterBody: EMPTY,
    source: undefined,
    responded: false,
    exitedInPhase: false,
    unexpected: false,
  };
}

// ---------------------------------------------------------------- reads of the state

/** The request headers as plugins see and edit them (built on first use). */
export function requestHeaders(tx: Transaction): HeaderStore {
  return (tx.reqHeaders ??= HeaderStore.fromNode(tx.info.headers));
}

/** The request to send upstream, as the plugins left it (after rewrite/access). */
export function proxyRequest(tx: Transaction): ProxyRequest {
  const request: ProxyRequest = {
    method: tx.method,
    path: tx.path,
    pathChanged: tx.pathChanged,
    query: tx.rawQuery,
    headers: tx.reqHeadersDirty && tx.reqHeaders ? tx.reqHeaders.toRecord() : tx.info.headers,
  };
  if (tx.reqBody !== undefined) {
    request.body = tx.reqBody;
    const h = tx.reqHeadersDirty ? request.headers : { ...request.headers };
    for (const k of Object.keys(h)) {
      const l = k.toLowerCase();
      if (l === "content-length" || l === "transfer-encoding") delete h[k];
    }
    h["content-length"] = String(tx.reqBody.length);
    request.headers = h;
  }
  return request;
}

/** What the data plane does once the request side ran: proxy this request, or respond. */
export function transactionResult(tx: Transaction): TransactionResult {
  return tx.responded ? RESPOND : { kind: "proxy", request: proxyRequest(tx) };
}

const RESPOND: TransactionResult = Object.freeze({ kind: "respond" });

export function responseHead(tx: Transaction): ResponseHead {
  return { status: tx.status, headers: tx.resHeaders.toRecord() };
}

/** No body may be sent: HEAD request, 1xx, 204 or 304. */
export function hasNoBody(tx: Transaction): boolean {
  const s = tx.status;
  return tx.info.method === "HEAD" || s < 200 || s === 204 || s === 304;
}

/** The body the kit produced (exit / error / failure); undefined when the upstream's body is used. */
export function kitResponseBody(tx: Transaction): Buffer | undefined {
  if (tx.kitBody === undefined) return undefined;
  return hasNoBody(tx) ? EMPTY : tx.kitBody;
}
