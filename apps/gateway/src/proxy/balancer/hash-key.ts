// The consistent-hashing input of a request (Kong's hash_on / hash_fallback): the value hash_on
// names, else the fallback's, else none (the request is balanced round-robin). A cookie hash_on
// (or hash_fallback) the request lacks is generated, as Kong does: a fresh UUID hashes the request
// and the response sets it, so the client sticks to the target it got.
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { HashOn, NormalizedHashing } from "@gatehouse/config";
import type { UriCaptures } from "@gatehouse/plugin-kit";

export interface HashInput {
  consumerId: string | null;
  clientIp: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** the path as the client sent it, without the query */
  path: string;
  query: URLSearchParams | null;
  /** the route's regex captures (hashing reads the named ones) */
  captures: UriCaptures | null;
}

function cookie(header: string | string[] | undefined, name: string): string | undefined {
  const raw = Array.isArray(header) ? header.join("; ") : header;
  if (raw === undefined) return undefined;
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function valueOf(
  on: HashOn,
  field: string | null,
  h: NormalizedHashing,
  input: HashInput,
): string | undefined {
  switch (on) {
    case "none":
      return undefined;
    case "consumer":
      return input.consumerId ?? undefined;
    case "ip":
      return input.clientIp;
    case "header": {
      const v = field === null ? undefined : input.headers[field.toLowerCase()];
      return Array.isArray(v) ? v.join(",") : v;
    }
    case "cookie":
      return h.hashOnCookie === null ? undefined : cookie(input.headers.cookie, h.hashOnCookie);
    case "path":
      return input.path;
    case "query_arg":
      return field === null ? undefined : (input.query?.getAll(field).join(",") ?? undefined);
    case "uri_capture":
      return field === null ? undefined : input.captures?.named[field] || undefined;
  }
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

/** A request's hash value, and the Set-Cookie line of a sticky cookie generated for it. */
export interface HashValue {
  key: string;
  /** Kong's `<hash_on_cookie>=<uuid>; Path=<hash_on_cookie_path>; Same-Site=Lax; HttpOnly` */
  setCookie?: string;
}

function valueOrCookie(
  on: HashOn,
  field: string | null,
  h: NormalizedHashing,
  input: HashInput,
): HashValue | undefined {
  const key = nonEmpty(valueOf(on, field, h, input));
  if (key !== undefined) return { key };
  if (on !== "cookie" || h.hashOnCookie === null) return undefined;
  const id = randomUUID();
  return {
    key: id,
    setCookie: `${h.hashOnCookie}=${id}; Path=${h.hashOnCookiePath}; Same-Site=Lax; HttpOnly`,
  };
}

export function hashKey(h: NormalizedHashing, input: HashInput): HashValue | undefined {
  const field = (on: HashOn, primary: boolean): string | null => {
    if (on === "header") return primary ? h.hashOnHeader : h.hashFallbackHeader;
    if (on === "query_arg") return primary ? h.hashOnQueryArg : h.hashFallbackQueryArg;
    if (on === "uri_capture") return primary ? h.hashOnUriCapture : h.hashFallbackUriCapture;
    return null;
  };
  return (
    valueOrCookie(h.hashOn, field(h.hashOn, true), h, input) ??
    valueOrCookie(h.hashFallback, field(h.hashFallback, false), h, input)
  );
}

/**
 * The upstream's response headers with the generated sticky cookie: it replaces an upstream
 * Set-Cookie of the same name, else it is added (Kong's balancer.set_cookie).
 */
export function withHashCookie(headers: IncomingHttpHeaders, line: string): IncomingHttpHeaders {
  const prefix = line.slice(0, line.indexOf("=") + 1);
  const kept = (headers["set-cookie"] ?? []).filter((c) => !c.startsWith(prefix));
  return { ...headers, "set-cookie": [...kept, line] };
}

/** The hash value of a proxied request, or undefined when the route's upstream hashes on nothing. */
export function requestHashKey(
  hashing: NormalizedHashing | null,
  req: { headers: HashInput["headers"] },
  r: { clientIp: string; path: string; rawQuery: string; captures: UriCaptures | null },
  consumerId: string | null,
): HashValue | undefined {
  if (hashing === null) return undefined;
  return hashKey(hashing, {
    consumerId,
    clientIp: r.clientIp,
    headers: req.headers,
    path: r.path,
    query: r.rawQuery === "" ? null : new URLSearchParams(r.rawQuery),
    captures: r.captures,
  });
}
