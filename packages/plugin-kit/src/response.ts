/** kit.response (Kong's kong.response) and the ways the kit produces a response (exit, error, failure). */
import {
  RESP_READ,
  RESP_WRITE,
  check,
  checkCanProduce,
  checkExitHeaders,
  checkHeaderWrite,
  checkMax,
  checkNameArg,
  checkStatus,
  isTransferEncoding,
  toRawBody,
} from "./checks.js";
import {
  CONTENT_TYPES,
  defaultMessage,
  formatFromAccept,
  formatOfMediaType,
  renderError,
} from "./error-format.js";
import { argError } from "./errors.js";
import type { HeaderInput, HeaderRecord } from "./headers.js";
import { checkHeaderTable, typeName } from "./headers.js";
import { P_BODY } from "./phases.js";
import type { Transaction } from "./transaction.js";
import { requestHeaders } from "./transaction.js";
import type { ExitBody, ResponseKit, ResponseSource } from "./types.js";

const JSON_CT = "application/json; charset=utf-8";

/** Headers describing the upstream's body; dropped when the kit replaces the response in header_filter. */
const REPRESENTATION = [
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "content-range",
  "content-type",
];

/** Content-Length for a body of `n` bytes (none where no body may be sent); Transfer-Encoding never. */
export function fixLength(tx: Transaction, n: number): void {
  const store = tx.resHeaders;
  store.delete("transfer-encoding");
  const s = tx.status;
  if (s < 200 || s === 204 || s === 304) store.delete("content-length");
  else store.set("Content-Length", [String(n)]);
}

/**
 * Produces the kit's response (exit, error, failure). Headers are applied on top of the current ones
 * (Kong's send); when replacing an upstream response, its representation headers go.
 */
function produce(
  tx: Transaction,
  status: number,
  body: Buffer,
  pairs: readonly [string, string[]][] | undefined,
  contentType: string | undefined,
): void {
  const store = tx.resHeaders;
  if (tx.source === "service" || tx.kitBody !== undefined) {
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
  tx.status = status;
  tx.kitBody = body;
  tx.errorMessage = undefined;
  tx.responded = true;
  tx.exitedInPhase = true;
  tx.source = tx.unexpected ? "error" : "exit";
  fixLength(tx, body.length);
}

/** An error response: body by explicit Content-Type, then the request's Accept, else JSON. */
export function produceError(
  tx: Transaction,
  status: number,
  message: string,
  pairs: [string, string[]][] | undefined,
): void {
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
      : formatFromAccept(requestHeaders(tx).get("accept"));
  const body = Buffer.from(renderError(format, message));
  produce(tx, status, body, pairs, explicit ?? CONTENT_TYPES[format]);
  tx.errorMessage = message;
}

/** A response header change in rewrite/access is replayed on the upstream's headers. */
function recordPreOp(tx: Transaction, op: 0 | 1 | 2, name: string, values: string[]): void {
  if (tx.phase === "rewrite" || tx.phase === "access") (tx.preOps ??= []).push([op, name, values]);
}

function toUnderscoreFree(name: string): string {
  return name.includes("_") ? name.replace(/_/g, "-") : name;
}

export class ResponseKitImpl implements ResponseKit {
  constructor(private readonly tx: Transaction) {}

  getStatus(): number {
    check(this.tx, RESP_READ, "response.getStatus");
    return this.tx.status;
  }

  getHeader(name: string): string | undefined {
    check(this.tx, RESP_READ, "response.getHeader");
    checkNameArg("response.getHeader", name, "header");
    return this.tx.resHeaders.get(name);
  }

  getHeaders(max?: number): { headers: HeaderRecord; truncated: boolean } {
    check(this.tx, RESP_READ, "response.getHeaders");
    return this.tx.resHeaders.toLookup(checkMax("response.getHeaders", max));
  }

  getSource(): ResponseSource {
    check(this.tx, RESP_READ, "response.getSource");
    return this.tx.source ?? "error";
  }

  getErrorMessage(): string | undefined {
    check(this.tx, RESP_READ, "response.getErrorMessage");
    return this.tx.errorMessage;
  }

  setStatus(status: number): void {
    check(this.tx, RESP_WRITE, "response.setStatus");
    this.tx.status = checkStatus("response.setStatus", status, 100);
  }

  setHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, RESP_WRITE, "response.setHeader", name, value);
    if (isTransferEncoding(name)) return;
    const n = toUnderscoreFree(name);
    this.tx.resHeaders.set(n, [v]);
    recordPreOp(this.tx, 0, n, [v]);
  }

  addHeader(name: string, value: string | number | boolean): void {
    const v = checkHeaderWrite(this.tx, RESP_WRITE, "response.addHeader", name, value);
    if (isTransferEncoding(name)) return;
    const n = toUnderscoreFree(name);
    this.tx.resHeaders.add(n, v);
    recordPreOp(this.tx, 1, n, [v]);
  }

  clearHeader(name: string): void {
    const fn = "response.clearHeader";
    check(this.tx, RESP_WRITE, fn);
    checkNameArg(fn, name, "header");
    this.tx.resHeaders.delete(name);
    recordPreOp(this.tx, 2, name, []);
  }

  setHeaders(headers: Record<string, HeaderInput>): void {
    const fn = "response.setHeaders";
    check(this.tx, RESP_WRITE, fn);
    for (const [name, values] of checkHeaderTable(fn, headers)) {
      if (isTransferEncoding(name)) continue;
      const n = toUnderscoreFree(name);
      this.tx.resHeaders.set(n, values);
      recordPreOp(this.tx, 0, n, values);
    }
  }

  getRawBody(): Buffer {
    check(this.tx, P_BODY, "response.getRawBody");
    return this.tx.filterBody;
  }

  setRawBody(body: string | Buffer): void {
    const fn = "response.setRawBody";
    check(this.tx, P_BODY, fn);
    this.tx.filterBody = toRawBody(fn, body);
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
    produce(tx, status, buf, pairs, json ? JSON_CT : undefined);
  }

  error(status: number, message?: string, headers?: Record<string, HeaderInput>): void {
    const fn = "response.error";
    checkCanProduce(this.tx, fn);
    checkStatus(fn, status, 400);
    if (message !== undefined && message !== null && typeof message !== "string") {
      throw argError(fn, `message must be undefined or a string, got ${typeName(message)}`);
    }
    const pairs = checkExitHeaders(fn, headers);
    produceError(this.tx, status, message ?? defaultMessage(status), pairs);
  }
}
