import { createHash } from "node:crypto";

/** The reference definition: what `canonicalJson` returns for any value (slow, allocates a lot). */
function canonicalSlow(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const s = JSON.stringify(value);
    return s === undefined ? "null" : s;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? "null" : canonicalSlow(v))).join(",")}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && typeof obj[k] !== "function")
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalSlow(obj[k])}`).join(",")}}`;
}

/** Thrown by the replacer when a value needs the reference definition. */
const SLOW = Symbol("canonical-json-slow-path");
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

/**
 * JSON.stringify replacer giving the same text as `canonicalSlow` for plain JSON data (what
 * JSON.parse returns): objects are re-created with sorted keys when not sorted already, and the
 * serialization itself stays native. Anything where JSON.stringify and the reference differ
 * (toJSON, non-plain objects, symbols, integer-like keys, whose order an object cannot hold)
 * aborts to the reference definition.
 */
function sortedKeys(this: unknown, key: string, value: unknown): unknown {
  // toJSON changed it (NaN is the one value unequal to itself)
  const raw = (this as Record<string, unknown>)[key];
  if (raw !== value && (raw === raw || value === value)) throw SLOW;
  if (typeof value !== "object" || value === null) {
    if (typeof value === "symbol") throw SLOW;
    return value;
  }
  if (Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw SLOW;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) throw SLOW;
    if (c === 95 && k === "__proto__") throw SLOW; // cannot be an ordinary object's own key
    if (i > 0 && (keys[i - 1] as string) > k) sorted = false;
  }
  if (sorted) return value;
  keys.sort();
  // an ordinary object: copies with the same keys share one shape, which JSON.stringify is fast on
  const copy: Record<string, unknown> = {};
  for (const k of keys) copy[k] = obj[k];
  return copy;
}

/**
 * True when JSON.stringify(value) is already the canonical text: plain JSON data whose object
 * keys are sorted everywhere (what a producer of canonical JSON sends). Allocates nothing but the
 * key lists, so checking costs far less than re-building sorted copies.
 */
function alreadyCanonical(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return true;
    case "object":
      break;
    default:
      return false; // undefined, function, symbol, bigint: leave them to the general path
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!alreadyCanonical(value[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) return false;
    if (i > 0 && (keys[i - 1] as string) >= k) return false;
    if (!alreadyCanonical(obj[k])) return false;
  }
  return true;
}

/** JSON with object keys sorted at every level; `undefined` members dropped like JSON.stringify. */
export function canonicalJson(value: unknown): string {
  if (alreadyCanonical(value)) return JSON.stringify(value);
  try {
    const s = JSON.stringify(value, sortedKeys);
    return s === undefined ? "null" : s;
  } catch (err) {
    if (err === SLOW) return canonicalSlow(value);
    throw err;
  }
}

/** sha256 (hex) of a canonical JSON text (what `hashConfig` hashes). */
export function hashCanonical(canonical: string): string {
  return createHash("sha256").update(canonical).digest("hex");
}

/** sha256 (hex) of the canonical JSON of a declarative document. */
export function hashConfig(doc: unknown): string {
  return hashCanonical(canonicalJson(doc));
}
