/** Argument and phase checks shared by the kit's modules (Kong's PDK checks): misuse throws PluginKitError. */
import { PluginKitError, argError, phaseError } from "./errors.js";
import type { HeaderInput } from "./headers.js";
import { checkHeaderName, checkHeaderTable, checkHeaderValue, typeName } from "./headers.js";
import { ALL, HEADER_BODY_LOG, P_ERROR, REQUEST_SIDE, REWRITE_ACCESS_HEADER } from "./phases.js";
import type { Transaction } from "./transaction.js";

// The "error" pseudo-phase (catch handlers of an upstream failure) is allowed wherever Kong allows PHASES.error.
export const RESP_READ = HEADER_BODY_LOG | P_ERROR;
export const RESP_WRITE = REWRITE_ACCESS_HEADER | P_ERROR;
export const ANY = ALL | P_ERROR;
export const REQ_WRITE = REQUEST_SIDE;

const MIN_HEADERS = 1;
const MAX_HEADERS = 1000;
export const DEFAULT_MAX_HEADERS = 100;

/** Throws unless the transaction is in one of the `allowed` phases (PHASE_BIT mask). */
export function check(tx: Transaction, allowed: number, fn: string): void {
  if ((tx.phaseBit & allowed) === 0) throw phaseError(fn, tx.phase === "idle" ? "none" : tx.phase);
}

export function checkMax(fn: string, max: unknown): number {
  if (max === undefined) return DEFAULT_MAX_HEADERS;
  if (typeof max !== "number" || Number.isNaN(max))
    throw argError(fn, "max_headers must be a number");
  if (max < MIN_HEADERS) throw argError(fn, `max_headers must be >= ${MIN_HEADERS}`);
  if (max > MAX_HEADERS) throw argError(fn, `max_headers must be <= ${MAX_HEADERS}`);
  return Math.floor(max);
}

export function checkStatus(fn: string, status: unknown, min: number): number {
  if (typeof status !== "number" || !Number.isInteger(status))
    throw argError(fn, "code must be a number");
  if (status < min || status > 599)
    throw argError(fn, `code must be a number between ${min} and 599`);
  return status;
}

/** Phase check, then a header name and value; returns the value as a string. */
export function checkHeaderWrite(
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

export function checkNameArg(fn: string, name: unknown, what: string): void {
  if (typeof name !== "string") throw argError(fn, `${what} name must be a string`);
}

export function checkArgsObject(fn: string, args: unknown): void {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw argError(fn, `args must be an object, got ${typeName(args)}`);
  }
}

export function toRawBody(fn: string, body: unknown): Buffer {
  if (typeof body === "string") return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  throw argError(fn, `body must be a string or a Buffer, got ${typeName(body)}`);
}

/** Phase check for response.exit/error, refusing a second response in the same phase. */
export function checkCanProduce(tx: Transaction, fn: string): void {
  check(tx, RESP_WRITE, fn);
  if (tx.exitedInPhase)
    throw new PluginKitError(`kit.${fn}(): a response was already produced in this phase`, "STATE");
}

export function checkExitHeaders(
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

export function isTransferEncoding(name: string): boolean {
  return name.length === 17 && name.toLowerCase().replace("_", "-") === "transfer-encoding";
}
