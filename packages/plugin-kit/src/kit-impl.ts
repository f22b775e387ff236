import {
  CONTENT_TYPES,
  defaultMessage,
  formatFromAccept,
  formatOfMediaType,
  renderError,
} from "./error-format.js";
import { BodyTooLargeError, PluginKitError, argError, phaseError } from "./errors.js";
import type { HeaderInput, HeaderRecord } from "./headers.js";
import { checkHeaderName, checkHeaderTable, checkHeaderValue, typeName } from "./headers.js";
import type { Phase } from "./phases.js";
import {
  ALL,
  HEADER_BODY_LOG,
  P_BODY,
  P_ERROR,
  REQUEST_SIDE,
  REWRITE_ACCESS_HEADER,
} from "./phases.js";
import type { ConnectionInfo, Transaction } from "./transaction.js";
import type {
  ClientKit,
  Consumer,
  Credential,
  CredentialLookup,
  ExitBody,
  Kit,
  KitLogger,
  RequestBody,
  RequestKit,
  ResponseKit,
  ResponseSource,
  RouterKit,
  ServiceKit,
} from "./types.js";

// The "error" pseudo-phase (catch handlers of an upstream failure) is allowed wherever Kong allows PHASES.error.
const RESP_READ = HEADER_BODY_LOG | P_ERROR;
const RESP_WRITE = REWRITE_ACCESS_HEADER | P_ERROR;
const ANY = ALL | P_ERROR;
const REQ_WRITE = REQUEST_SIDE;

const MIN_HEADERS = 1;
const MAX_HEADERS = 1000;
const DEFAULT_MAX_HEADERS = 100;
const JSON_CT = "application/json; charset=utf-8";

function check(tx: Transaction, allowed: number, fn: string): void {
  if ((tx._phaseBit & allowed) === 0)
    throw phaseError(fn, tx._phase === "idle" ? "none" : tx._phase);
}

function checkMax(fn: string, max: unknown): number {
  if (max === undefined) return DEFAULT_MAX_HEADERS;
  if (typeof max !== "number" || Number.isNaN(max))
    throw argError(fn, "max_headers must be a number");
  if (max < MIN_HEADERS) throw argError(fn, `max_headers must be >= ${MIN_HEADERS}`);
  if (max > MAX_HEADERS) throw argError(fn, `max_headers must be <= ${MAX_HEADERS}`);
  return Math.floor(max);
}

function checkStatus(fn: string, status: unknown, min: number): number {
  if (typeof status !== "number" || !Number.isInteger(status))
    throw argError(fn, "code must be a number");
  if (status < min || status > 599)
    throw argError(fn, `code must be a number between ${min} and 599`);
  return status;
}

/** Phase check, then a header name and value; returns the value as a string. */
function checkHeaderWrite(
  tx: Transaction,
  allowed: number,
  fn: string,
  name: string,
  value: string | number | boolean,
): string {
  check(tx, allowed, fn);
  checkHeaderName(fn, name);
  return checkHeaderValue(fn, name, value);
}

function checkNameArg(fn: string, name: unknown, what: string): void {
  if (typeof name !== "string") throw argError(fn, `${what} name must be a string`);
}

function checkArgsObject(fn: string, args: unknown): void {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw argError(fn, `args must be an object, got ${typeName(args)}`);
  }
}

function toRawBody(fn: string, body: unknown): Buffer {
  if (typeof body === "string") return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  throw argError(fn, `body must be a string or a Buffer, got ${typeName(body)}`);
}

/** Phase check for response.exit/error, refusing a second response in the same phase. */
function checkCanProduce(tx: Transaction, fn: string): void {
  check(tx, RESP_WRITE, fn);
  if (tx._exitedInPhase)
    throw new PluginKitError(`kit.${fn}(): a response was already produced in this phase`, "STATE");
}

function checkExitHeaders(
  fn: string,
  headers: Record<string, HeaderInput> | undefined,
): [string, string[]][] | undefined {
  if (
    headers !== undefined &&
    headers !== null &&
    (typeof headers !== "object" || Array.isArray(headers))
  ) {
    throw argError(fn, `headers must be undefined or an object, got ${typeName(headers)}`);
  }
  return headers ? checkHeaderTable(fn, headers) : undefined;
}

function toUnderscoreFree(name: string): string {
  return name.includes("_") ? name.replace(/_/g, "-") : name;
}

function isTransferEncoding(name: string): boolean {
  return name.length === 17 && name.toLowerCase().replace("_", "-") === "transfer-encoding";
}

class ResponseKitImpl implements ResponseKit {
  constructor(private readonly tx: Transaction) {}

  getStatus(): number {
    check(this.tx, RESP_READ, "response.getStatus");
    return this.tx._status;
  }

  getHeader(name: string): string | undefined {
    check(this.tx, RESP_READ, "response.getHeader");
    checkNameArg("response.getHeader", name, "header");
    return this.tx._resHeaders.get(name);
  }

  getHeaders(max?: number): { headers: HeaderRecord; truncated: boolean } {
    check(this.tx, RESP_READ, "response.getHeaders");
    return this.tx._resHeaders.toLookup(checkMax("response.getHeaders", max));
  }

  getSource(): ResponseSource {
    check(this.tx, RESP_READ, "response.getSource");
    return this.tx._source ?? "error";
  }

  getErrorMessage(): string | undefined {
    check(this.tx, RESP_READ, "response.getErrorMessage");
    return this.tx._errorMessage;
  }

  setStatus(status: number): void {
    check(this.tx, RESP_WRITE, "response.setStatus");
    this.tx._status = checkStatus("response.setStatus", status, 100);
  }

  setHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, RESP_WRITE, "response.setHeader", name, value);
    if (isTransferEncoding(name)) return;
    const n = toUnderscoreFree(name);
    this.tx._resHeaders.set(n, [v]);
    this.tx._recordPreOp(0, n, [v]);
  }

  addHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, RESP_WRITE, "response.addHeader", name, value);
    if (isTransferEncoding(name)) return;
    const n = toUnderscoreFree(name);
    this.tx._resHeaders.add(n, v);
    this.tx._recordPreOp(1, n, [v]);
  }

  clearHeader(name: string): void {
    const fn = "response.clearHeader";
    check(this.tx, RESP_WRITE, fn);
    checkNameArg(fn, name, "header");
    this.tx._resHeaders.delete(name);
    this.tx._recordPreOp(2, name, []);
  }

  setHeaders(headers: Record<string, HeaderInput>): void {
    const fn = "response.setHeaders";
    check(this.tx, RESP_WRITE, fn);
    for (const [name, values] of checkHeaderTable(fn, headers)) {
      if (isTransferEncoding(name)) continue;
      const n = toUnderscoreFree(name);
      this.tx._resHeaders.set(n, values);
      this.tx._recordPreOp(0, n, values);
    }
  }

  getRawBody(): Buffer {
    check(this.tx, P_BODY, "response.getRawBody");
    return this.tx._filterBody;
  }

  setRawBody(body: string | Buffer): void {
    const fn = "response.setRawBody";
    check(this.tx, P_BODY, fn);
    this.tx._filterBody = toRawBody(fn, body);
  }

  exit(status: number, body?: ExitBody, headers?: Record<string, HeaderInput>): void {
    const fn = "response.exit";
    const tx = this.tx;
    checkCanProduce(tx, fn);
    checkStatus(fn, status, 100);
    let buf: Buffer;
    let json = false;
    if (body === undefined || body === null) buf = Buffer.alloc(0);
    else if (typeof body === "string") buf = Buffer.from(body);
    else if (Buffer.isBuffer(body)) buf = body;
    else if (typeof body === "object") {
      let text: string | undefined;
      try {
        text = JSON.stringify(body);
      } catch (e) {
        throw argError(fn, `body encoding failed: ${(e as Error).message}`);
      }
      buf = Buffer.from(text ?? "null");
      json = true;
    } else {
      throw argError(
        fn,
        `body must be undefined, a string, a Buffer or an object, got ${typeName(body)}`,
      );
    }
    const pairs = checkExitHeaders(fn, headers);
    tx._produce(status, buf, pairs, json ? JSON_CT : undefined);
  }

  error(status: number, message?: string, headers?: Record<string, HeaderInput>): void {
    const fn = "response.error";
    checkCanProduce(this.tx, fn);
    checkStatus(fn, status, 400);
    if (message !== undefined && message !== null && typeof message !== "string") {
      throw argError(fn, `message must be undefined or a string, got ${typeName(message)}`);
    }
    const pairs = checkExitHeaders(fn, headers);
    this._formatError(status, message ?? defaultMessage(status), pairs);
  }

  /** @internal error body by explicit Content-Type, then Accept, else JSON. */
  _formatError(status: number, message: string, pairs: [string, string[]][] | undefined): void {
    let explicit: string | undefined;
    if (pairs) {
      for (const [name, values] of pairs) {
        const l = name.toLowerCase();
        if (l === "content-type" || l === "content_type") explicit = values[0];
      }
    }
    const format =
      explicit !== undefined
        ? (formatOfMediaType(explicit) ?? "json")
        : formatFromAccept(this.tx._reqHeaderStore().get("accept"));
    const body = Buffer.from(renderError(format, message));
    this.tx._produce(status, body, pairs, explicit ?? CONTENT_TYPES[format]);
    this.tx._errorMessage = message;
  }
}

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const BAD_PATH = /[\x00-\x20\x7f?#]/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const BAD_QUERY = /[\x00-\x20\x7f#]/;

function encodeQuery(args: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(args).sort()) {
    const v = args[key];
    const list = Array.isArray(v) ? v : [v];
    for (const item of list) {
      if (item === true) parts.push(encodeURIComponent(key));
      else if (item === false || item === undefined || item === null) continue;
      else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.join("&");
}

function parseForm(text: string, max = Infinity): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let n = 0;
  for (const [k, v] of new URLSearchParams(text)) {
    if (n++ >= max) break;
    const cur = out[k];
    if (cur === undefined) out[k] = v;
    else if (Array.isArray(cur)) cur.push(v);
    else out[k] = [cur, v];
  }
  return out;
}

function mimeOf(contentType: string | undefined): "json" | "form" | undefined {
  if (!contentType) return undefined;
  const ct = contentType.toLowerCase();
  if (ct.startsWith("application/json") || /^application\/[^;]*\+json/.test(ct)) return "json";
  if (ct.startsWith("application/x-www-form-urlencoded")) return "form";
  return undefined;
}

class RequestKitImpl implements RequestKit {
  private queryCache: Record<string, string | string[]> | undefined;
  constructor(private readonly tx: Transaction) {}

  getMethod(): string {
    check(this.tx, ANY, "request.getMethod");
    return this.tx._method;
  }

  setMethod(method: string): void {
    const fn = "request.setMethod";
    check(this.tx, REQ_WRITE, fn);
    if (typeof method !== "string") throw argError(fn, "method must be a string");
    if (!METHOD.test(method)) throw argError(fn, `invalid method: ${JSON.stringify(method)}`);
    this.tx._method = method.toUpperCase();
  }

  getScheme(): string {
    check(this.tx, ANY, "request.getScheme");
    return this.tx._info.scheme;
  }

  getHost(): string {
    check(this.tx, ANY, "request.getHost");
    return this.tx._info.host;
  }

  getPort(): number {
    check(this.tx, ANY, "request.getPort");
    return this.tx._info.port;
  }

  getPath(): string {
    check(this.tx, ANY, "request.getPath");
    return this.tx._path;
  }

  setPath(path: string): void {
    const fn = "request.setPath";
    check(this.tx, REQ_WRITE, fn);
    if (typeof path !== "string") throw argError(fn, "path must be a string");
    if (!path.startsWith("/")) throw argError(fn, "path must start with /");
    if (BAD_PATH.test(path))
      throw argError(fn, "path must not contain spaces, control characters, '?' or '#'");
    this.tx._path = path;
    this.tx._pathChanged = true;
  }

  getRawQuery(): string {
    check(this.tx, ANY, "request.getRawQuery");
    return this.tx._rawQuery;
  }

  setRawQuery(query: string): void {
    const fn = "request.setRawQuery";
    check(this.tx, REQ_WRITE, fn);
    if (typeof query !== "string") throw argError(fn, "query must be a string");
    if (BAD_QUERY.test(query))
      throw argError(fn, "query must not contain spaces, control characters or '#'");
    this.tx._rawQuery = query.startsWith("?") ? query.slice(1) : query;
    this.queryCache = undefined;
  }

  getQuery(max?: number): Record<string, string | string[]> {
    check(this.tx, ANY, "request.getQuery");
    if (max !== undefined) return parseForm(this.tx._rawQuery, checkMax("request.getQuery", max));
    return (this.queryCache ??= parseForm(this.tx._rawQuery, DEFAULT_MAX_HEADERS));
  }

  getQueryArg(name: string): string | undefined {
    check(this.tx, ANY, "request.getQueryArg");
    checkNameArg("request.getQueryArg", name, "query argument");
    const v = this.getQuery()[name];
    return Array.isArray(v) ? v[0] : v;
  }

  setQuery(
    args: Record<string, string | number | boolean | readonly (string | number | boolean)[]>,
  ): void {
    const fn = "request.setQuery";
    check(this.tx, REQ_WRITE, fn);
    checkArgsObject(fn, args);
    this.tx._rawQuery = encodeQuery(args);
    this.queryCache = undefined;
  }

  getHeader(name: string): string | undefined {
    check(this.tx, ANY, "request.getHeader");
    checkNameArg("request.getHeader", name, "header");
    return this.tx._reqHeaderStore().get(name);
  }

  getHeaders(max?: number): { headers: HeaderRecord; truncated: boolean } {
    check(this.tx, ANY, "request.getHeaders");
    return this.tx._reqHeaderStore().toLookup(checkMax("request.getHeaders", max));
  }

  setHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, REQ_WRITE, "request.setHeader", name, value);
    if (isTransferEncoding(name)) return;
    this.tx._reqHeaderStore().set(name, [v]);
    this.tx._reqHeadersDirty = true;
  }

  addHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, REQ_WRITE, "request.addHeader", name, value);
    if (isTransferEncoding(name)) return;
    this.tx._reqHeaderStore().add(name, v);
    this.tx._reqHeadersDirty = true;
  }

  clearHeader(name: string): void {
    const fn = "request.clearHeader";
    check(this.tx, REQ_WRITE, fn);
    checkNameArg(fn, name, "header");
    this.tx._reqHeaderStore().delete(name);
    this.tx._reqHeadersDirty = true;
  }

  setHeaders(headers: Record<string, HeaderInput>): void {
    const fn = "request.setHeaders";
    check(this.tx, REQ_WRITE, fn);
    const store = this.tx._reqHeaderStore();
    for (const [name, values] of checkHeaderTable(fn, headers)) {
      if (isTransferEncoding(name)) continue;
      store.set(name, values);
    }
    this.tx._reqHeadersDirty = true;
  }

  // phase checks throw synchronously; the reading is async
  getRawBody(maxBytes?: number): Promise<Buffer> {
    const fn = "request.getRawBody";
    check(this.tx, REQ_WRITE, fn);
    if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
      throw argError(fn, `maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
    }
    return this.readBody(maxBytes);
  }

  getConnection(): ConnectionInfo | undefined {
    check(this.tx, ANY, "request.getConnection");
    return this.tx._info.connection;
  }

  private async readBody(maxBytes?: number): Promise<Buffer> {
    const tx = this.tx;
    if (tx._reqBody === undefined) {
      tx._reqBodyPromise ??= tx._info.readBody(maxBytes);
      const body = await tx._reqBodyPromise;
      if (tx._reqBody === undefined) tx._reqBody = body;
    }
    if (maxBytes !== undefined && tx._reqBody.length > maxBytes)
      throw new BodyTooLargeError(maxBytes);
    return tx._reqBody;
  }

  setRawBody(body: string | Buffer): void {
    const fn = "request.setRawBody";
    check(this.tx, REQ_WRITE, fn);
    this.tx._reqBody = toRawBody(fn, body);
  }

  getBody(): Promise<RequestBody> {
    check(this.tx, REQ_WRITE, "request.getBody");
    return this.parseBody();
  }

  private async parseBody(): Promise<RequestBody> {
    const mime = mimeOf(this.tx._reqHeaderStore().get("content-type"));
    if (!mime) return { mime: undefined, args: {} };
    const raw = (await this.readBody()).toString("utf8");
    if (mime === "form") return { mime, args: parseForm(raw) };
    try {
      const v: unknown = JSON.parse(raw);
      return {
        mime,
        args:
          v !== null && typeof v === "object" && !Array.isArray(v)
            ? (v as Record<string, unknown>)
            : {},
      };
    } catch {
      return { mime, args: {} };
    }
  }

  setBody(args: Record<string, unknown>, mime?: "json" | "form"): void {
    const fn = "request.setBody";
    check(this.tx, REQ_WRITE, fn);
    checkArgsObject(fn, args);
    const current = mimeOf(this.tx._reqHeaderStore().get("content-type"));
    const m = mime ?? current ?? "json";
    if (m !== current) {
      this.tx
        ._reqHeaderStore()
        .set("Content-Type", [
          m === "json" ? "application/json" : "application/x-www-form-urlencoded",
        ]);
      this.tx._reqHeadersDirty = true;
    }
    this.tx._reqBody = Buffer.from(m === "json" ? JSON.stringify(args) : encodeQuery(args));
  }
}

class ClientKitImpl implements ClientKit {
  constructor(private readonly tx: Transaction) {}

  getIp(): string {
    check(this.tx, ANY, "client.getIp");
    return this.tx._info.clientIp;
  }

  getConsumer(): Consumer | undefined {
    check(this.tx, ANY, "client.getConsumer");
    return this.tx._consumer;
  }

  getCredential(): Credential | undefined {
    check(this.tx, ANY, "client.getCredential");
    return this.tx._credential;
  }

  authenticate(consumer: Consumer | null, credential: Credential | null): void {
    const fn = "client.authenticate";
    check(this.tx, REQ_WRITE, fn);
    if (consumer == null && credential == null)
      throw argError(fn, "either credential or consumer must be provided");
    if (consumer != null && (typeof consumer !== "object" || typeof consumer.id !== "string")) {
      throw argError(fn, "consumer must be an object with a string id");
    }
    if (credential != null && typeof credential !== "object")
      throw argError(fn, "credential must be an object");
    this.tx._consumer = consumer ?? undefined;
    this.tx._credential = credential ?? undefined;
    this.tx._switchConsumer();
  }
}

class RouterKitImpl implements RouterKit {
  constructor(private readonly tx: Transaction) {}
  getRoute(): unknown {
    check(this.tx, ANY, "router.getRoute");
    return this.tx._route;
  }
  getService(): unknown {
    check(this.tx, ANY, "router.getService");
    return this.tx._service;
  }
}

class ServiceKitImpl implements ServiceKit {
  constructor(private readonly tx: Transaction) {}
  cancel(reason?: string): void {
    check(this.tx, REQ_WRITE, "service.cancel");
    this.tx._cancelled = { reason: typeof reason === "string" ? reason : "cancelled by plugin" };
  }
}

export class KitImpl implements Kit {
  readonly response: ResponseKitImpl;
  readonly request: RequestKitImpl;
  readonly client: ClientKitImpl;
  readonly router: RouterKitImpl;
  readonly service: ServiceKitImpl;

  constructor(private readonly tx: Transaction) {
    this.response = new ResponseKitImpl(tx);
    this.request = new RequestKitImpl(tx);
    this.client = new ClientKitImpl(tx);
    this.router = new RouterKitImpl(tx);
    this.service = new ServiceKitImpl(tx);
  }

  get phase(): Phase | "error" {
    const p = this.tx._phase;
    if (p === "idle") throw new PluginKitError("kit used outside of a plugin phase", "STATE");
    return p;
  }

  get plugin(): string {
    return this.tx._current?.name ?? "";
  }

  get instanceId(): string | undefined {
    return this.tx._current?.instanceId;
  }

  get ctx(): Map<string, unknown> {
    return (this.tx._ctx ??= new Map());
  }

  get credentials(): CredentialLookup {
    return this.tx._credentials;
  }

  get log(): KitLogger {
    return this.tx._log;
  }

  get logInfo(): Readonly<Record<string, unknown>> | undefined {
    return this.tx._logInfo;
  }
}
