import { randomUUID } from "node:crypto";
/** kit.request (Kong's kong.request + kong.service.request): the client request as the upstream will see it. */
import {
  ANY,
  DEFAULT_MAX_HEADERS,
  REQ_WRITE,
  check,
  checkArgsObject,
  checkHeaderWrite,
  checkMax,
  checkNameArg,
  isTransferEncoding,
  toRawBody,
} from "./checks.js";
import { BodyTooLargeError, argError } from "./errors.js";
import type { HeaderInput, HeaderRecord } from "./headers.js";
import { checkHeaderTable } from "./headers.js";
import type { ConnectionInfo, Transaction } from "./transaction.js";
import { requestHeaders } from "./transaction.js";
import type { RequestBody, RequestKit, UriCaptures } from "./types.js";
import { encodeMultipart, multipartArgs, multipartBoundary, parseMultipart } from "./form-body.js";

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

type BodyMime = NonNullable<RequestBody["mime"]>;

function mimeOf(contentType: string | undefined): BodyMime | undefined {
  if (!contentType) return undefined;
  const ct = contentType.toLowerCase();
  if (ct.startsWith("application/json") || /^application\/[^;]*\+json/.test(ct)) return "json";
  if (ct.startsWith("application/x-www-form-urlencoded")) return "form";
  if (multipartBoundary(contentType) !== undefined) return "multipart";
  return undefined;
}

const MIME_TYPES: Record<BodyMime, string> = {
  json: "application/json",
  form: "application/x-www-form-urlencoded",
  multipart: "multipart/form-data",
};

export class RequestKitImpl implements RequestKit {
  private queryCache: Record<string, string | string[]> | undefined;
  constructor(private readonly tx: Transaction) {}

  getMethod(): string {
    check(this.tx, ANY, "request.getMethod");
    return this.tx.method;
  }

  setMethod(method: string): void {
    const fn = "request.setMethod";
    check(this.tx, REQ_WRITE, fn);
    if (typeof method !== "string") throw argError(fn, "method must be a string");
    if (!METHOD.test(method)) throw argError(fn, `invalid method: ${JSON.stringify(method)}`);
    this.tx.method = method.toUpperCase();
  }

  getScheme(): string {
    check(this.tx, ANY, "request.getScheme");
    return this.tx.info.scheme;
  }

  getHost(): string {
    check(this.tx, ANY, "request.getHost");
    return this.tx.info.host;
  }

  getPort(): number {
    check(this.tx, ANY, "request.getPort");
    return this.tx.info.port;
  }

  getPath(): string {
    check(this.tx, ANY, "request.getPath");
    return this.tx.path;
  }

  setPath(path: string): void {
    const fn = "request.setPath";
    check(this.tx, REQ_WRITE, fn);
    if (typeof path !== "string") throw argError(fn, "path must be a string");
    if (!path.startsWith("/")) throw argError(fn, "path must start with /");
    if (BAD_PATH.test(path))
      throw argError(fn, "path must not contain spaces, control characters, '?' or '#'");
    this.tx.path = path;
    this.tx.pathChanged = true;
  }

  getRawQuery(): string {
    check(this.tx, ANY, "request.getRawQuery");
    return this.tx.rawQuery;
  }

  setRawQuery(query: string): void {
    const fn = "request.setRawQuery";
    check(this.tx, REQ_WRITE, fn);
    if (typeof query !== "string") throw argError(fn, "query must be a string");
    if (BAD_QUERY.test(query))
      throw argError(fn, "query must not contain spaces, control characters or '#'");
    this.tx.rawQuery = query.startsWith("?") ? query.slice(1) : query;
    this.queryCache = undefined;
  }

  getQuery(max?: number): Record<string, string | string[]> {
    check(this.tx, ANY, "request.getQuery");
    if (max !== undefined) return parseForm(this.tx.rawQuery, checkMax("request.getQuery", max));
    return (this.queryCache ??= parseForm(this.tx.rawQuery, DEFAULT_MAX_HEADERS));
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
    this.tx.rawQuery = encodeQuery(args);
    this.queryCache = undefined;
  }

  getHeader(name: string): string | undefined {
    check(this.tx, ANY, "request.getHeader");
    checkNameArg("request.getHeader", name, "header");
    return requestHeaders(this.tx).get(name);
  }

  getHeaders(max?: number): { headers: HeaderRecord; truncated: boolean } {
    check(this.tx, ANY, "request.getHeaders");
    return requestHeaders(this.tx).toLookup(checkMax("request.getHeaders", max));
  }

  setHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, REQ_WRITE, "request.setHeader", name, value);
    if (isTransferEncoding(name)) return;
    requestHeaders(this.tx).set(name, [v]);
    this.tx.reqHeadersDirty = true;
  }

  addHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, REQ_WRITE, "request.addHeader", name, value);
    if (isTransferEncoding(name)) return;
    requestHeaders(this.tx).add(name, v);
    this.tx.reqHeadersDirty = true;
  }

  clearHeader(name: string): void {
    const fn = "request.clearHeader";
    check(this.tx, REQ_WRITE, fn);
    checkNameArg(fn, name, "header");
    requestHeaders(this.tx).delete(name);
    this.tx.reqHeadersDirty = true;
  }

  setHeaders(headers: Record<string, HeaderInput>): void {
    const fn = "request.setHeaders";
    check(this.tx, REQ_WRITE, fn);
    const store = requestHeaders(this.tx);
    for (const [name, values] of checkHeaderTable(fn, headers)) {
      if (isTransferEncoding(name)) continue;
      store.set(name, values);
    }
    this.tx.reqHeadersDirty = true;
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
    return this.tx.info.connection;
  }

  getUriCaptures(): UriCaptures {
    check(this.tx, ANY, "request.getUriCaptures");
    const c = this.tx.info.uriCaptures;
    return c ? { named: { ...c.named }, unnamed: [...c.unnamed] } : { named: {}, unnamed: [] };
  }

  getId(): string {
    check(this.tx, ANY, "request.getId");
    return (this.tx.requestId ??= randomUUID().replace(/-/g, ""));
  }

  private async readBody(maxBytes?: number): Promise<Buffer> {
    const tx = this.tx;
    if (tx.reqBody === undefined) {
      tx.reqBodyPromise ??= tx.info.readBody(maxBytes);
      const body = await tx.reqBodyPromise;
      if (tx.reqBody === undefined) tx.reqBody = body;
    }
    if (maxBytes !== undefined && tx.reqBody.length > maxBytes)
      throw new BodyTooLargeError(maxBytes);
    return tx.reqBody;
  }

  setRawBody(body: string | Buffer): void {
    const fn = "request.setRawBody";
    check(this.tx, REQ_WRITE, fn);
    this.tx.reqBody = toRawBody(fn, body);
  }

  getBody(): Promise<RequestBody> {
    check(this.tx, REQ_WRITE, "request.getBody");
    return this.parseBody();
  }

  private async parseBody(): Promise<RequestBody> {
    const contentType = requestHeaders(this.tx).get("content-type");
    const mime = mimeOf(contentType);
    if (!mime) return { mime: undefined, args: {} };
    if (mime === "multipart") {
      const parts = parseMultipart(await this.readBody(), multipartBoundary(contentType) ?? "");
      return { mime, args: multipartArgs(parts) };
    }
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

  setBody(args: Record<string, unknown>, mime?: BodyMime): void {
    const fn = "request.setBody";
    check(this.tx, REQ_WRITE, fn);
    checkArgsObject(fn, args);
    if (mime !== undefined && !(mime in MIME_TYPES)) {
      throw argError(fn, `mime must be "json", "form" or "multipart", got ${String(mime)}`);
    }
    const headers = requestHeaders(this.tx);
    const current = mimeOf(headers.get("content-type"));
    const m = mime ?? current ?? "json";
    let boundary = multipartBoundary(headers.get("content-type"));
    if (m !== current) {
      boundary = m === "multipart" ? `gatehouse-${randomUUID()}` : undefined;
      headers.set("Content-Type", [
        boundary ? `${MIME_TYPES[m]}; boundary=${boundary}` : MIME_TYPES[m],
      ]);
      this.tx.reqHeadersDirty = true;
    }
    this.tx.reqBody =
      m === "json"
        ? Buffer.from(JSON.stringify(args))
        : m === "form"
          ? Buffer.from(encodeQuery(args))
          : encodeMultipart(args, boundary ?? "");
  }
}
