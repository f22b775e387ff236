import { z } from "zod";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/** An HTTP header name (RFC 9110 token). */
export const headerName = z.string().refine((s) => TOKEN.test(s), {
  error: (i) => `'${String(i.input)}' is not a valid header name`,
});

/** A header value: no CR, LF or other control characters. */
export const headerValue = z.string().refine((s) => !BAD_VALUE.test(s), {
  error: "must not contain CR, LF or other control characters",
});

export function isHeaderName(s: string): boolean {
  return TOKEN.test(s);
}

export function isHeaderValue(s: string): boolean {
  return !BAD_VALUE.test(s);
}

/** Kong's integer field with `between = { min, max }`. */
export function intBetween(min: number, max: number) {
  const msg = `value should be between ${min} and ${max}`;
  return z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .min(min, { error: msg })
    .max(max, { error: msg });
}

/** An http(s) URL with a host (Kong's url typedef messages). */
export const httpUrl = z.string({ error: "required field missing" }).superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: "custom", message: "missing host in url" });
    return;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    ctx.addIssue({ code: "custom", message: "unsupported scheme: use http or https" });
});
