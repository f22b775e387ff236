import { argError } from "./errors.js";

export type HeaderScalar = string | number | boolean;
export type HeaderInput = HeaderScalar | readonly HeaderScalar[];
export type HeaderRecord = Record<string, string | string[]>;
export type NodeHeaders = Record<string, string | string[] | number | undefined>;

interface Entry {
  name: string;
  values: string[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CRLF = /[\r\n]/;
// what node's http module accepts in a header value: HTAB, visible ASCII, SP, obs-text
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Lookup key: case-insensitive, "_" may stand for "-". */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes("_") ? lower.replace(/_/g, "-") : lower;
}

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export function checkHeaderName(fn: string, name: unknown): string {
  if (typeof name !== "string") {
    throw argError(
      fn,
      `invalid header name ${safeQuote(name)}: got ${typeName(name)}, expected string`,
    );
  }
  // one test on the common (valid) path: a token has no CR or LF
  if (TOKEN.test(name)) return name;
  if (CRLF.test(name))
    throw argError(fn, `invalid header name ${JSON.stringify(name)}: contains CR or LF`);
  throw argError(fn, `invalid header name ${JSON.stringify(name)}: not a valid HTTP token`);
}

function checkValueString(fn: string, name: string, v: string): string {
  // one test on the common (valid) path: CR and LF are control characters too
  if (!BAD_VALUE.test(v)) return v;
  if (CRLF.test(v))
    throw argError(fn, `invalid header value for ${JSON.stringify(name)}: contains CR or LF`);
  throw argError(
    fn,
    `invalid header value for ${JSON.stringify(name)}: contains a control character`,
  );
}

export function checkHeaderValue(fn: string, name: string, value: unknown): string {
  const t = typeof value;
  if (t === "string") return checkValueString(fn, name, value as string);
  if (t === "number" || t === "boolean") return String(value);
  throw argError(
    fn,
    `invalid header value for ${JSON.stringify(name)}: got ${typeName(value)}, expected string, number or boolean`,
  );
}

/** A value in a headers table: scalar or array of scalars. */
export function checkHeaderValues(fn: string, name: string, value: unknown): string[] {
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const v of value) {
      const t = typeof v;
      if (t !== "string" && t !== "number" && t !== "boolean") {
        throw argError(
          fn,
          `invalid header value in array ${JSON.stringify(name)}: got ${typeName(v)}, expected string, number or boolean`,
        );
      }
      out.push(t === "string" ? checkValueString(fn, name, v as string) : String(v));
    }
    return out;
  }
  const t = typeof value;
  if (t === "string") return [checkValueString(fn, name, value as string)];
  if (t === "number" || t === "boolean") return [String(value)];
  throw argError(
    fn,
    `invalid header value for ${JSON.stringify(name)}: got ${typeName(value)}, expected array of string, string, number or boolean`,
  );
}

/** Validates a headers table and returns [name, values] pairs in lexicographic order of the names. */
export function checkHeaderTable(fn: string, headers: unknown): [string, string[]][] {
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) {
    throw argError(fn, `headers must be an object, got ${typeName(headers)}`);
  }
  const names = Object.keys(headers).sort();
  const out: [string, string[]][] = [];
  for (const name of names) {
    checkHeaderName(fn, name);
    out.push([name, checkHeaderValues(fn, name, (headers as Record<string, unknown>)[name])]);
  }
  return out;
}

function safeQuote(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Ordered, case-insensitive header map; keeps the original spelling of names for output. */
export class HeaderStore {
  private readonly map = new Map<string, Entry>();

  static fromNode(headers: NodeHeaders | HeaderRecord | undefined): HeaderStore {
    const s = new HeaderStore();
    if (!headers) return s;
    for (const name of Object.keys(headers)) {
      const v = headers[name];
      if (v === undefined) continue;
      const key = headerKey(name);
      const values = Array.isArray(v) ? v.map(String) : [String(v)];
      const e = s.map.get(key);
      if (e) e.values.push(...values);
      else s.map.set(key, { name, values });
    }
    return s;
  }

  get size(): number {
    return this.map.size;
  }

  get(name: string): string | undefined {
    return this.map.get(headerKey(name))?.values[0];
  }

  getAll(name: string): readonly string[] | undefined {
    return this.map.get(headerKey(name))?.values;
  }

  has(name: string): boolean {
    return this.map.has(headerKey(name));
  }

  /** Replaces every value of `name`; the header moves to the end (Kong's set_headers ordering). */
  set(name: string, values: string[]): void {
    const key = headerKey(name);
    this.map.delete(key);
    this.map.set(key, { name, values });
  }

  add(name: string, value: string): void {
    const key = headerKey(name);
    const e = this.map.get(key);
    if (e) e.values.push(value);
    else this.map.set(key, { name, values: [value] });
  }

  delete(name: string): void {
    this.map.delete(headerKey(name));
  }

  clear(): void {
    this.map.clear();
  }

  /** Plain object with the original spelling of names: what goes on the wire. */
  toRecord(): HeaderRecord {
    const out: HeaderRecord = {};
    for (const e of this.map.values()) {
      out[e.name] = e.values.length === 1 ? (e.values[0] as string) : e.values.slice();
    }
    return out;
  }

  /**
   * Kong's get_headers(): lower-case names, arrays for repeated headers, at most `max` header lines.
   * The returned object also answers `_` for `-` and any letter case.
   */
  toLookup(max: number): { headers: HeaderRecord; truncated: boolean } {
    const out: HeaderRecord = {};
    let count = 0;
    let truncated = false;
    outer: for (const [key, e] of this.map) {
      for (const v of e.values) {
        if (count >= max) {
          truncated = true;
          break outer;
        }
        count++;
        const cur = out[key];
        if (cur === undefined) out[key] = v;
        else if (Array.isArray(cur)) cur.push(v);
        else out[key] = [cur, v];
      }
    }
    return { headers: lookupProxy(out), truncated };
  }
}

const lookupHandler: ProxyHandler<HeaderRecord> = {
  get(target, prop, receiver) {
    if (typeof prop !== "string") return Reflect.get(target, prop, receiver);
    if (Object.prototype.hasOwnProperty.call(target, prop)) return target[prop];
    const key = headerKey(prop);
    return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
  },
  has(target, prop) {
    if (typeof prop !== "string") return Reflect.has(target, prop);
    return Object.prototype.hasOwnProperty.call(target, headerKey(prop));
  },
};

function lookupProxy(rec: HeaderRecord): HeaderRecord {
  return new Proxy(rec, lookupHandler);
}
