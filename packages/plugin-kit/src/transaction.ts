import type { CatchEntry, Chain, ChainEntry, PhaseEntry } from "./chains.js";
import { PluginKitError } from "./errors.js";
import { defaultMessage } from "./error-format.js";
import type { HeaderRecord, NodeHeaders } from "./headers.js";
import { HeaderStore } from "./headers.js";
import { KitImpl } from "./kit-impl.js";
import type { Phase, RunPhase } from "./phases.js";
import { PHASE_BIT } from "./phases.js";
import type { Consumer, Credential, CredentialLookup, KitLogger, ResponseSource } from "./types.js";

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
  clientIp: string;
  /**
   * Reads the whole request body (called at most once, only when a plugin asks for it). `maxBytes`:
   * the caller refuses bodies larger than that — the data plane may stop reading once the body passes
   * it and reject with BodyTooLargeError (or ignore the hint; the kit checks the length anyway).
   */
  readBody(maxBytes?: number): Promise<Buffer>;
  /** The client connection, when the data plane knows it (correlation-id's tracker). */
  connection?: ConnectionInfo;
}

export interface ConnectionInfo {
  /** address and port of the gateway's listening socket that accepted the connection */
  serverAddress: string;
  serverPort: number;
  /** serial number of the connection in this process (1, 2, ...) */
  id: number;
  /** number of requests received on this connection so far, this one included */
  requests: number;
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

export interface ResponseHeadInput {
  status: number;
  headers: NodeHeaders;
  source?: "service";
}

export interface TransactionOptions {
  chain: Chain;
  request: RequestInfo;
  route?: unknown;
  service?: unknown;
  credentials?: CredentialLookup;
  log?: KitLogger;
  trace?: boolean;
}

const noop = (): void => {};
const NOOP_LOGGER: KitLogger = { debug: noop, info: noop, warn: noop, error: noop };
const EMPTY = Buffer.alloc(0);

type PreOp = [op: 0 | 1 | 2, name: string, values: string[]];

/** Headers describing the upstream's body; dropped when the kit replaces the response in header_filter. */
const REPRESENTATION = [
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "content-range",
  "content-type",
];

/**
 * One request through the plugin chain. The gateway drives it:
 * runAccess → (proxy → runHeaderFilter(head) | upstreamFailed → runHeaderFilter()) | runHeaderFilter()
 * → runBodyFilter (when needsBodyBuffering) → runLog.
 */
export class Transaction {
  readonly trace: TraceEntry[] = [];

  /** @internal */ _phase: RunPhase = "idle";
  /** @internal */ _phaseBit = 0;
  /** @internal */ _current: ChainEntry | undefined;
  /** @internal */ _chain: Chain;
  /** @internal */ readonly _baseChain: Chain;
  /** @internal */ _chainSwitched = false;
  /** @internal */ readonly _info: RequestInfo;
  /** @internal */ readonly _route: unknown;
  /** @internal */ readonly _service: unknown;
  /** @internal */ readonly _credentials: CredentialLookup;
  /** @internal */ readonly _log: KitLogger;
  /** @internal */ readonly _traceOn: boolean;

  // request side
  /** @internal */ _method: string;
  /** @internal */ _path: string;
  /** @internal */ _pathChanged = false;
  /** @internal */ _rawQuery: string;
  /** @internal */ _reqHeaders: HeaderStore | undefined;
  /** @internal */ _reqHeadersDirty = false;
  /** @internal */ _reqBody: Buffer | undefined;
  /** @internal */ _reqBodyPromise: Promise<Buffer> | undefined;
  /** @internal */ _consumer: Consumer | undefined;
  /** @internal */ _credential: Credential | undefined;
  /** @internal */ _cancelled: { reason: string } | undefined;
  /** @internal */ _ctx: Map<string, unknown> | undefined;
  /** @internal */ _logInfo: Record<string, unknown> | undefined;

  // response side
  /** @internal */ _status = 200;
  /** @internal */ _resHeaders = new HeaderStore();
  /** @internal */ _preOps: PreOp[] | undefined;
  /** @internal */ _kitBody: Buffer | undefined;
  /** @internal */ _errorMessage: string | undefined;
  /** @internal */ _filterBody: Buffer = EMPTY;
  /** @internal */ _source: ResponseSource | undefined;
  /** @internal */ _responded = false;
  /** @internal */ _exitedInPhase = false;
  /** @internal */ _unexpected = false;

  private stage = 0;
  private kitObj: KitImpl | undefined;
  private resultCache: TransactionResult | undefined;

  constructor(opts: TransactionOptions) {
    this._chain = opts.chain;
    this._baseChain = opts.chain;
    this._info = opts.request;
    this._route = opts.route;
    this._service = opts.service;
    this._credentials = opts.credentials ?? {};
    this._log = opts.log ?? NOOP_LOGGER;
    this._traceOn = opts.trace === true;
    this._method = opts.request.method;
    this._path = opts.request.path;
    this._rawQuery = opts.request.rawQuery;
  }

  // ---------------------------------------------------------------- public API

  /** rewrite, then access. */
  async runAccess(): Promise<void> {
    if (this.stage !== 0) throw new Error("Transaction.runAccess() may only be called once, first");
    this.stage = 1;
    await this.runRequestPhase("rewrite");
    if (!this._responded && !this._cancelled) await this.runRequestPhase("access");
    this.setPhase("idle");
    if (this._cancelled && !this._responded) {
      await this.upstreamFailed({ kind: "cancelled", error: new Error(this._cancelled.reason) });
    }
  }

  get result(): TransactionResult {
    if (this._responded) return RESPOND;
    if (this.resultCache) return this.resultCache;
    const request: ProxyRequest = {
      method: this._method,
      path: this._path,
      pathChanged: this._pathChanged,
      query: this._rawQuery,
      headers:
        this._reqHeadersDirty && this._reqHeaders
          ? this._reqHeaders.toRecord()
          : this._info.headers,
    };
    if (this._reqBody !== undefined) {
      request.body = this._reqBody;
      const h = this._reqHeadersDirty ? request.headers : { ...request.headers };
      for (const k of Object.keys(h)) {
        const l = k.toLowerCase();
        if (l === "content-length" || l === "transfer-encoding") delete h[k];
      }
      h["content-length"] = String(this._reqBody.length);
      request.headers = h;
    }
    // cached once the request side is over
    if (this.stage > 1 || (this.stage === 1 && this._phase === "idle"))
      this.resultCache = { kind: "proxy", request };
    return { kind: "proxy", request };
  }

  /** The transport failed (or a plugin cancelled): source "error", catch handlers may answer, else 502/503/504. */
  async upstreamFailed(failure: UpstreamFailure): Promise<void> {
    if (this._responded)
      throw new Error("Transaction.upstreamFailed(): the response was already produced");
    this.stage = 2;
    const err = new UpstreamError(failure.kind, failure.error);
    this._log.warn({ err: failure.error, kind: failure.kind }, "upstream request failed");
    this._unexpected = true;
    this._status = err.status;
    this.setPhase("error");
    this._exitedInPhase = false;
    await this.errorFlow(err, undefined, err.status, false);
    this.setPhase("idle");
  }

  /** header_filter for every plugin. With `head`: the upstream's response; without: the kit's own response. */
  async runHeaderFilter(head?: ResponseHeadInput): Promise<void> {
    if (this.stage >= 3) throw new Error("Transaction.runHeaderFilter() may only be called once");
    if (head) {
      if (this._responded) {
        throw new Error(
          "Transaction.runHeaderFilter(head): the kit already produced the response; call it without head",
        );
      }
      this._status = head.status;
      const store = HeaderStore.fromNode(head.headers);
      const ops = this._preOps;
      if (ops) {
        for (const [op, name, values] of ops) {
          if (op === 0) store.set(name, values);
          else if (op === 1) store.add(name, values[0] as string);
          else store.delete(name);
        }
      }
      this._resHeaders = store;
      this._source = "service";
    } else if (!this._responded) {
      throw new Error(
        "Transaction.runHeaderFilter() needs the upstream response head when proxying",
      );
    }
    this.stage = 3;
    this.setPhase("header_filter");
    this._exitedInPhase = false;
    const list = this._chain.header_filter;
    for (let i = 0; i < list.length; i++) {
      let go = this.invoke(list[i] as PhaseEntry, "header_filter");
      if (go !== true && go !== false) go = await go;
      if (!go) break;
    }
    this.setPhase("idle");
    if (this._kitBody !== undefined) this.fixLength(this._kitBody.length);
  }

  get needsBodyBuffering(): boolean {
    return this._chain.hasBodyFilter;
  }

  /** Buffer-and-replace: every body_filter plugin sees and may replace the whole body. */
  async runBodyFilter(body: Buffer): Promise<Buffer> {
    if (this.stage < 3)
      throw new Error("Transaction.runBodyFilter() must follow runHeaderFilter()");
    if (this.stage >= 4) throw new Error("Transaction.runBodyFilter() may only be called once");
    this.stage = 4;
    if (this.noBody) return EMPTY;
    this._filterBody = body;
    this.setPhase("body_filter");
    const list = this._chain.body_filter;
    for (let i = 0; i < list.length; i++) {
      const go = this.invoke(list[i] as PhaseEntry, "body_filter");
      if (go !== true && go !== false) await go;
    }
    this.setPhase("idle");
    const out = this._filterBody;
    this._filterBody = EMPTY;
    if (this._kitBody !== undefined) this._kitBody = out;
    if (out !== body || this._resHeaders.has("content-length")) this.fixLength(out.length);
    return out;
  }

  /** Log phase; never throws (errors are logged). */
  runLog(info?: Record<string, unknown>): Promise<void> {
    this._logInfo = info;
    if (this._chain.log.length === 0) return Promise.resolve();
    return this.runLogPhase().catch((err: unknown) => this._log.error({ err }, "log phase failed"));
  }

  get responseHead(): { status: number; headers: HeaderRecord } {
    return { status: this._status, headers: this._resHeaders.toRecord() };
  }

  /** The body the kit produced (exit / error / failure); undefined when the upstream's body is used. */
  get responseBody(): Buffer | undefined {
    if (this._kitBody === undefined) return undefined;
    return this.noBody ? EMPTY : this._kitBody;
  }

  /** No body may be sent: HEAD request, 1xx, 204 or 304. */
  get noBody(): boolean {
    const s = this._status;
    return this._info.method === "HEAD" || s < 200 || s === 204 || s === 304;
  }

  get source(): ResponseSource | undefined {
    return this._source;
  }

  get consumer(): Consumer | undefined {
    return this._consumer;
  }

  get credential(): Credential | undefined {
    return this._credential;
  }

  /** The chain in effect (changes after authentication when consumer-scoped plugins apply). */
  get chain(): Chain {
    return this._chain;
  }

  // ---------------------------------------------------------------- internals used by the kit

  /** @internal */
  get _kit(): KitImpl {
    return (this.kitObj ??= new KitImpl(this));
  }

  /** @internal */
  _reqHeaderStore(): HeaderStore {
    return (this._reqHeaders ??= HeaderStore.fromNode(this._info.headers));
  }

  /** @internal */
  _recordPreOp(op: 0 | 1 | 2, name: string, values: string[]): void {
    if (this._phase === "rewrite" || this._phase === "access")
      (this._preOps ??= []).push([op, name, values]);
  }

  /**
   * @internal Produces the kit's response (exit, error, failure). Headers are applied on top of the
   * current ones (Kong's send); when replacing an upstream response, its representation headers go.
   */
  _produce(
    status: number,
    body: Buffer,
    pairs: readonly [string, string[]][] | undefined,
    contentType: string | undefined,
  ): void {
    const store = this._resHeaders;
    if (this._source === "service" || this._kitBody !== undefined) {
      for (const h of REPRESENTATION) store.delete(h);
    }
    let hasContentType = false;
    if (pairs) {
      for (const [name, values] of pairs) {
        const lower = name.toLowerCase();
        if (lower === "transfer-encoding") continue;
        if (lower === "content-type" || lower === "content_type") hasContentType = true;
        store.set(name, values);
      }
    }
    if (contentType !== undefined && !hasContentType) store.set("Content-Type", [contentType]);
    this._status = status;
    this._kitBody = body;
    this._errorMessage = undefined;
    this._responded = true;
    this._exitedInPhase = true;
    this._source = this._unexpected ? "error" : "exit";
    this.fixLength(body.length);
  }

  /** @internal */
  _switchConsumer(): void {
    const next = this._baseChain.forConsumer(this._consumer);
    if (next !== this._chain) {
      this._chain = next;
      this._chainSwitched = true;
    }
  }

  // ---------------------------------------------------------------- runner

  private setPhase(p: RunPhase): void {
    this._phase = p;
    this._phaseBit = PHASE_BIT[p];
  }

  private fixLength(n: number): void {
    const store = this._resHeaders;
    store.delete("transfer-encoding");
    const s = this._status;
    if (s < 200 || s === 204 || s === 304) store.delete("content-length");
    else store.set("Content-Length", [String(n)]);
  }

  private async runRequestPhase(phase: "rewrite" | "access"): Promise<void> {
    this.setPhase(phase);
    this._exitedInPhase = false;
    let list = this._chain[phase];
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as PhaseEntry;
      let go = this.invoke(e, phase);
      if (go !== true && go !== false) go = await go;
      if (!go) return;
      if (this._chainSwitched) {
        // authenticated: continue with the consumer's chain after the current priority
        this._chainSwitched = false;
        list = this._chain[phase];
        let j = 0;
        while (j < list.length && (list[j] as PhaseEntry).priority >= e.priority) j++;
        i = j - 1;
      }
    }
  }

  private async runLogPhase(): Promise<void> {
    this.stage = 5;
    this.setPhase("log");
    const list = this._chain.log;
    for (let i = 0; i < list.length; i++) {
      const go = this.invoke(list[i] as PhaseEntry, "log");
      if (go !== true && go !== false) await go;
    }
    this.setPhase("idle");
  }

  /**
   * Runs one handler. Returns false when the phase must stop (exit, cancel, error flow). A handler
   * that returns no promise is run without any (no microtask per plugin); a promise only when it does.
   */
  private invoke(e: PhaseEntry, phase: Phase): boolean | Promise<boolean> {
    this._current = e;
    const t0 = this._traceOn ? performance.now() : 0;
    let r: void | Promise<void>;
    try {
      r = e.handler(this._kit, e.config);
    } catch (err) {
      return this.failed(e, phase, t0, err);
    }
    if (r !== undefined && typeof (r as Promise<void>).then === "function") {
      return (r as Promise<void>).then(
        () => this.handled(e, phase, t0),
        (err: unknown) => this.failed(e, phase, t0, err),
      );
    }
    return this.handled(e, phase, t0);
  }

  private handled(e: PhaseEntry, phase: Phase, t0: number): boolean {
    const stop =
      this._exitedInPhase ||
      (this._cancelled !== undefined && (phase === "rewrite" || phase === "access"));
    if (this._traceOn) this.addTrace(e.name, phase, t0, stop ? "exit" : "ok");
    return !stop;
  }

  private async failed(e: PhaseEntry, phase: Phase, t0: number, err: unknown): Promise<boolean> {
    if (this._traceOn) this.addTrace(e.name, phase, t0, "error");
    this._log.error({ err, plugin: e.name, phase }, "plugin failed");
    // body_filter / log: the head is already decided: log and go on
    if (phase === "body_filter" || phase === "log") return true;
    await this.errorFlow(err, e, 500, true);
    return false;
  }

  /**
   * The error flow (hyper-middleware): catch handlers of the plugins after `thrower` (all of them for an
   * upstream failure) may answer with exit()/error(), or pass the error on (return, or throw another one).
   * Unrecovered: `status` with the default message, through the error formatting.
   */
  private async errorFlow(
    err: unknown,
    thrower: ChainEntry | undefined,
    status: number,
    thrown: boolean,
  ): Promise<void> {
    this._unexpected = true;
    const catchers = this._chain.catchers;
    let current = err;
    const phase = this._phase as Phase | "error";
    for (let i = 0; i < catchers.length; i++) {
      const c = catchers[i] as CatchEntry;
      if (thrower && c.priority >= thrower.priority) continue;
      this._current = c;
      this._exitedInPhase = false;
      const t0 = this._traceOn ? performance.now() : 0;
      try {
        const r = c.handler(this._kit, c.config, current);
        if (r !== undefined && typeof (r as Promise<void>).then === "function") await r;
      } catch (e2) {
        if (this._traceOn) this.addTrace(c.name, phase, t0, "error", true);
        this._log.error({ err: e2, plugin: c.name, phase }, "catch handler failed");
        current = e2;
        continue;
      }
      if (this._exitedInPhase) {
        if (this._traceOn) this.addTrace(c.name, phase, t0, "recovered", true);
        return;
      }
      if (this._traceOn) this.addTrace(c.name, phase, t0, "ok", true);
    }
    // unrecovered: a generic message, never the error's own text
    void thrown;
    this._kit.response._formatError(status, defaultMessage(status), undefined);
    this._exitedInPhase = true;
  }

  private addTrace(
    plugin: string,
    phase: Phase | "error",
    t0: number,
    outcome: TraceEntry["outcome"],
    isCatch = false,
  ): void {
    const entry: TraceEntry = {
      plugin,
      phase,
      ms: Math.round((performance.now() - t0) * 1000) / 1000,
      outcome,
    };
    if (isCatch) entry.catch = true;
    this.trace.push(entry);
  }
}

const RESPOND: TransactionResult = Object.freeze({ kind: "respond" });

export { PluginKitError };
