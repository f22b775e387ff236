/**
 * The phase driver: the one place that knows the order of the request pipeline (DESIGN.md, "The request
 * pipeline"). rewrite → access → proxy (through the data plane's PipelineIO) or not → header_filter →
 * body_filter (when a plugin has one) → log; exits, thrown errors, upstream failures and cancels
 * enter the error flow here. The gateway drives real requests through it with its HTTP adapter, the
 * test kit with a fake one (testing.ts).
 */
import type { CatchEntry, ChainEntry, PhaseEntry } from "./chains.js";
import { defaultMessage } from "./error-format.js";
import type { NodeHeaders } from "./headers.js";
import { HeaderStore } from "./headers.js";
import { kitOf } from "./kit.js";
import type { Phase, RunPhase } from "./phases.js";
import { PHASE_BIT } from "./phases.js";
import { fixLength, produceError } from "./response.js";
import type {
  ProxyRequest,
  ResponseHead,
  TraceEntry,
  Transaction,
  UpstreamFailureKind,
} from "./transaction.js";
import {
  EMPTY,
  UpstreamError,
  hasNoBody,
  kitResponseBody,
  proxyRequest,
  responseHead,
} from "./transaction.js";

/** What became of the proxied request. */
export type UpstreamOutcome =
  /** the upstream answered with this head (its body is the adapter's, see stream/readUpstreamBody) */
  | { kind: "response"; status: number; headers: NodeHeaders }
  /** the transport failed (or no upstream): the error flow, then a 502/503/504 unless a plugin answers */
  | {
      kind: "failed";
      failure: UpstreamFailureKind;
      error?: unknown;
      /** shown when no plugin answers instead of the status's default (safe to show) */
      message?: string;
    }
  /** the client went away while proxying: only the log phase runs (status 499) */
  | { kind: "gone" }
  /**
   * the adapter relayed the upstream's answer on the connection itself (a WebSocket upgrade: the
   * 101 and the frames until either side closed, or the upstream's refusal of the upgrade); the
   * response phases do not apply, only the log phase runs, with this status
   */
  | { kind: "relayed"; status: number };

/** The data plane's side of one request: sockets, proxying, streaming. One object per request. */
export interface PipelineIO {
  /** Sends the request upstream (after rewrite/access, unless a plugin answered). */
  proxy(request: ProxyRequest): Promise<UpstreamOutcome>;
  /** Streams the upstream's body to the client under `head` (no body_filter, the kit did not answer). */
  stream(head: ResponseHead): void;
  /** The upstream's whole body, for body_filter plugins. */
  readUpstreamBody(): Promise<Buffer>;
  /** The kit replaced the upstream's response (header_filter exit): its body is not used. */
  discardUpstreamBody(): void;
  /** Sends a buffered response (`body` undefined when none may be sent); false when the client is gone. */
  send(head: ResponseHead, body: Buffer | undefined): boolean;
  /** What log plugins get as kit.logInfo; `responseSize` when a buffered body was sent. */
  logInfo(status: number, responseSize?: number): Record<string, unknown>;
}

/** Runs one request through its chain. Resolves when the log phase is over; never rejects on a plugin's error. */
export async function runPipeline(tx: Transaction, io: PipelineIO): Promise<void> {
  // phases whose handlers all answer synchronously run without a promise (no await, no microtask)
  let pending = runRequestPhase(tx, "rewrite");
  if (pending !== undefined) await pending;
  if (!tx.responded && tx.noRoute !== undefined) {
    // Kong: the router runs in access before the plugins; its 404 replaces the access phase
    setPhase(tx, "access");
    produceError(tx, tx.noRoute.status, tx.noRoute.message, undefined);
  } else if (!tx.responded && !tx.cancelled) {
    pending = runRequestPhase(tx, "access");
    if (pending !== undefined) await pending;
  }
  setPhase(tx, "idle");
  let proxied = false;
  if (tx.cancelled && !tx.responded) {
    // a Director cancelling: upstream failure "cancelled"
    await upstreamFailed(tx, "cancelled", new Error(tx.cancelled.reason));
  } else if (!tx.responded) {
    const out = await io.proxy(proxyRequest(tx));
    if (out.kind === "gone") return runLog(tx, io.logInfo(499));
    if (out.kind === "relayed") return runLog(tx, io.logInfo(out.status));
    if (out.kind === "failed") await upstreamFailed(tx, out.failure, out.error, out.message);
    else {
      upstreamHead(tx, out.status, out.headers);
      proxied = true;
    }
  }
  pending = runHeaderFilter(tx);
  if (pending !== undefined) await pending;
  const buffering = tx.chain.hasBodyFilter;
  let body = kitResponseBody(tx);
  if (proxied) {
    if (body !== undefined) io.discardUpstreamBody();
    else if (!buffering) {
      const head = responseHead(tx);
      io.stream(head);
      return runLog(tx, io.logInfo(head.status));
    } else body = await io.readUpstreamBody();
  }
  body ??= EMPTY;
  if (buffering) body = await runBodyFilter(tx, body);
  const head = responseHead(tx);
  const noBody = hasNoBody(tx);
  if (!io.send(head, noBody ? undefined : body)) return;
  return runLog(tx, io.logInfo(head.status, noBody ? 0 : body.length));
}

function setPhase(tx: Transaction, p: RunPhase): void {
  tx.phase = p;
  tx.phaseBit = PHASE_BIT[p];
}

/** The upstream's head becomes the response; response header changes made in rewrite/access replay on it. */
function upstreamHead(tx: Transaction, status: number, headers: NodeHeaders): void {
  tx.status = status;
  const store = HeaderStore.fromNode(headers);
  const ops = tx.preOps;
  if (ops) {
    for (const [op, name, values] of ops) {
      if (op === 0) store.set(name, values);
      else if (op === 1) store.add(name, values[0] as string);
      else store.delete(name);
    }
  }
  tx.resHeaders = store;
  tx.source = "service";
}

type RequestPhase = "rewrite" | "access";

/** A request phase; a promise only when a handler returned one. */
function runRequestPhase(tx: Transaction, phase: RequestPhase): void | Promise<void> {
  setPhase(tx, phase);
  tx.exitedInPhase = false;
  return requestPhaseFrom(tx, phase, tx.chain[phase], 0);
}

/** Runs `list` from index `i`, synchronously until a handler returns a promise. */
function requestPhaseFrom(
  tx: Transaction,
  phase: RequestPhase,
  list: readonly PhaseEntry[],
  i: number,
): void | Promise<void> {
  for (; i < list.length; i++) {
    const e = list[i] as PhaseEntry;
    const go = invoke(tx, e, phase);
    if (go === false) return;
    if (go !== true) return go.then((ok) => requestPhaseAfter(tx, phase, list, i, ok));
    if (tx.chainSwitched) {
      list = tx.chain[phase];
      i = resumeIndex(tx, list, e) - 1;
    }
  }
}

/** After the asynchronous handler at `i`: stop, or go on (in the consumer's chain when it switched). */
function requestPhaseAfter(
  tx: Transaction,
  phase: RequestPhase,
  list: readonly PhaseEntry[],
  i: number,
  go: boolean,
): void | Promise<void> {
  if (!go) return;
  const e = list[i] as PhaseEntry;
  if (!tx.chainSwitched) return requestPhaseFrom(tx, phase, list, i + 1);
  const next = tx.chain[phase];
  return requestPhaseFrom(tx, phase, next, resumeIndex(tx, next, e));
}

/** Authenticated: the consumer's chain continues after the priority of the entry that switched it. */
function resumeIndex(tx: Transaction, list: readonly PhaseEntry[], e: PhaseEntry): number {
  tx.chainSwitched = false;
  let j = 0;
  while (j < list.length && (list[j] as PhaseEntry).priority >= e.priority) j++;
  return j;
}

/** The transport failed (or a plugin cancelled): source "error", catch handlers may answer, else 502/503/504. */
async function upstreamFailed(
  tx: Transaction,
  kind: UpstreamFailureKind,
  error: unknown,
  message?: string,
): Promise<void> {
  const err = new UpstreamError(kind, error);
  tx.log.warn({ err: error, kind }, "upstream request failed");
  tx.unexpected = true;
  tx.status = err.status;
  setPhase(tx, "error");
  tx.exitedInPhase = false;
  await errorFlow(tx, err, undefined, err.status, message);
  setPhase(tx, "idle");
}

/** header_filter; a promise only when a handler returned one. */
function runHeaderFilter(tx: Transaction): void | Promise<void> {
  setPhase(tx, "header_filter");
  tx.exitedInPhase = false;
  return headerFilterFrom(tx, tx.chain.header_filter, 0);
}

function headerFilterFrom(
  tx: Transaction,
  list: readonly PhaseEntry[],
  i: number,
): void | Promise<void> {
  for (; i < list.length; i++) {
    const go = invoke(tx, list[i] as PhaseEntry, "header_filter");
    if (go === false) break;
    if (go !== true)
      return go.then((ok) => (ok ? headerFilterFrom(tx, list, i + 1) : headerFilterDone(tx)));
  }
  headerFilterDone(tx);
}

function headerFilterDone(tx: Transaction): void {
  setPhase(tx, "idle");
  if (tx.kitBody !== undefined) fixLength(tx, tx.kitBody.length);
}

/** Buffer-and-replace: every body_filter plugin sees and may replace the whole body. */
async function runBodyFilter(tx: Transaction, body: Buffer): Promise<Buffer> {
  if (hasNoBody(tx)) return EMPTY;
  tx.filterBody = body;
  setPhase(tx, "body_filter");
  const list = tx.chain.body_filter;
  for (let i = 0; i < list.length; i++) {
    const go = invoke(tx, list[i] as PhaseEntry, "body_filter");
    if (go !== true && go !== false) await go;
  }
  setPhase(tx, "idle");
  const out = tx.filterBody;
  tx.filterBody = EMPTY;
  if (tx.kitBody !== undefined) tx.kitBody = out;
  if (out !== body || tx.resHeaders.has("content-length")) fixLength(tx, out.length);
  return out;
}

/** Log phase; never rejects (errors are logged). */
function runLog(tx: Transaction, info: Record<string, unknown>): Promise<void> {
  tx.logInfo = info;
  if (tx.chain.log.length === 0) return Promise.resolve();
  return runLogPhase(tx).catch((err: unknown) => tx.log.error({ err }, "log phase failed"));
}

async function runLogPhase(tx: Transaction): Promise<void> {
  setPhase(tx, "log");
  const list = tx.chain.log;
  for (let i = 0; i < list.length; i++) {
    const go = invoke(tx, list[i] as PhaseEntry, "log");
    if (go !== true && go !== false) await go;
  }
  setPhase(tx, "idle");
}

/**
 * Runs one handler. Returns false when the phase must stop (exit, cancel, error flow). A handler
 * that returns no promise is run without any (no microtask per plugin); a promise only when it does.
 */
function invoke(tx: Transaction, e: PhaseEntry, phase: Phase): boolean | Promise<boolean> {
  tx.current = e;
  const t0 = tx.traceOn || tx.timings !== undefined ? performance.now() : 0;
  let r: void | Promise<void>;
  try {
    r = e.handler(kitOf(tx), e.config);
  } catch (err) {
    return failed(tx, e, phase, t0, err);
  }
  if (r !== undefined && typeof (r as Promise<void>).then === "function") {
    return (r as Promise<void>).then(
      () => handled(tx, e, phase, t0),
      (err: unknown) => failed(tx, e, phase, t0, err),
    );
  }
  return handled(tx, e, phase, t0);
}

function handled(tx: Transaction, e: PhaseEntry, phase: Phase, t0: number): boolean {
  const stop =
    tx.exitedInPhase || (tx.cancelled !== undefined && (phase === "rewrite" || phase === "access"));
  if (tx.traceOn) addTrace(tx, e.name, phase, t0, stop ? "exit" : "ok");
  if (tx.timings !== undefined) addTiming(tx, e.name, phase, t0, stop ? "exit" : "ok");
  return !stop;
}

async function failed(
  tx: Transaction,
  e: PhaseEntry,
  phase: Phase,
  t0: number,
  err: unknown,
): Promise<boolean> {
  if (tx.traceOn) addTrace(tx, e.name, phase, t0, "error");
  if (tx.timings !== undefined) addTiming(tx, e.name, phase, t0, "error");
  tx.log.error({ err, plugin: e.name, phase }, "plugin failed");
  // body_filter / log: the head is already decided: log and go on
  if (phase === "body_filter" || phase === "log") return true;
  await errorFlow(tx, err, e, 500);
  return false;
}

/**
 * The error flow (hyper-middleware): catch handlers of the plugins after `thrower` (all of them for an
 * upstream failure) may answer with exit()/error(), or pass the error on (return, or throw another one).
 * Unrecovered: `status` with the default message (never the error's own text; an upstream failure
 * may bring its own public one), through the error formatting.
 */
async function errorFlow(
  tx: Transaction,
  err: unknown,
  thrower: ChainEntry | undefined,
  status: number,
  message = defaultMessage(status),
): Promise<void> {
  tx.unexpected = true;
  const catchers = tx.chain.catchers;
  let current = err;
  const phase = tx.phase as Phase | "error";
  for (let i = 0; i < catchers.length; i++) {
    const c = catchers[i] as CatchEntry;
    if (thrower && c.priority >= thrower.priority) continue;
    tx.current = c;
    tx.exitedInPhase = false;
    const t0 = tx.traceOn ? performance.now() : 0;
    try {
      const r = c.handler(kitOf(tx), c.config, current);
      if (r !== undefined && typeof (r as Promise<void>).then === "function") await r;
    } catch (e2) {
      if (tx.traceOn) addTrace(tx, c.name, phase, t0, "error", true);
      tx.log.error({ err: e2, plugin: c.name, phase }, "catch handler failed");
      current = e2;
      continue;
    }
    if (tx.exitedInPhase) {
      if (tx.traceOn) addTrace(tx, c.name, phase, t0, "recovered", true);
      return;
    }
    if (tx.traceOn) addTrace(tx, c.name, phase, t0, "ok", true);
  }
  produceError(tx, status, message, undefined);
  tx.exitedInPhase = true;
}

function addTrace(
  tx: Transaction,
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
  tx.trace.push(entry);
}

/** performance.now() → epoch ms */
const EPOCH_OFFSET = performance.timeOrigin;

function addTiming(
  tx: Transaction,
  plugin: string,
  phase: Phase,
  t0: number,
  outcome: TraceEntry["outcome"],
): void {
  tx.timings?.push({
    plugin,
    phase,
    start: EPOCH_OFFSET + t0,
    end: EPOCH_OFFSET + performance.now(),
    outcome,
  });
}
