// Form-shaped request data as Kong's PDK reads it (kong.request.get_query / get_body): urlencoded pairs and
// multipart/form-data parts. Removing a field keeps every other byte as the client sent it (order,
// percent-encoding, other parts' headers and files), so a plugin hiding a credential changes nothing else.

/** The urlencoded `raw` (query string or form body) without the pairs named `name`; the rest byte for byte. */
export function withoutFormArg(raw: string, name: string): string {
  if (raw === "") return raw;
  const kept: string[] = [];
  let changed = false;
  for (const pair of raw.split("&")) {
    const eq = pair.indexOf("=");
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (decodeFormComponent(key) === name) changed = true;
    else kept.push(pair);
  }
  return changed ? kept.filter((p) => p !== "").join("&") : raw;
}

function decodeFormComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** The boundary of a `multipart/form-data` content type; undefined for any other type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export interface MultipartPart {
  name: string;
  filename: string | undefined;
  value: Buffer;
  /** byte range of the whole part (its delimiter line, headers and content) in the body */
  start: number;
  end: number;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

function dispositionParam(headers: string, param: string): string | undefined {
  const line = /^content-disposition:(.*)$/im.exec(headers)?.[1];
  if (line === undefined) return undefined;
  const re = new RegExp(`;\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, "i");
  const m = re.exec(line);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
}

/**
 * The parts of a multipart/form-data body (RFC 7578). A malformed body gives the parts read before the
 * damage (never throws): a client cannot make a plugin fail by sending a broken body.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  // the first delimiter starts the body or follows a CRLF (after a preamble)
  let at = body.subarray(0, delimiter.length).equals(delimiter)
    ? 0
    : (() => {
        const i = body.indexOf(Buffer.concat([CRLF, delimiter]));
        return i === -1 ? -1 : i + 2;
      })();
  const next = Buffer.concat([CRLF, delimiter]);
  while (at !== -1) {
    const afterDelimiter = at + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") break; // close delimiter
    const lineEnd = body.indexOf(CRLF, afterDelimiter);
    if (lineEnd === -1) break;
    const headersEnd = body.indexOf(HEADER_END, lineEnd);
    // a part without headers: the blank line directly after the delimiter line
    const noHeaders = body.subarray(lineEnd, lineEnd + 4).equals(HEADER_END);
    const headerStop = noHeaders ? lineEnd : headersEnd;
    if (headerStop === -1) break;
    const contentStart = headerStop + 4;
    const contentEnd = body.indexOf(next, contentStart);
    if (contentEnd === -1) break;
    const headers = body.subarray(lineEnd + 2, headerStop).toString("latin1");
    const name = dispositionParam(headers, "name");
    const nextAt = contentEnd + 2;
    if (name !== undefined) {
      parts.push({
        name: Buffer.from(name, "latin1").toString("utf8"),
        filename: dispositionParam(headers, "filename"),
        value: body.subarray(contentStart, contentEnd),
        start: at,
        end: nextAt,
      });
    }
    at = nextAt;
  }
  return parts;
}

/** The fields of a multipart body as Kong's get_body gives them: name → value (several → a list). */
export function multipartArgs(parts: readonly MultipartPart[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const part of parts) {
    const v = part.value.toString("utf8");
    const cur = out[part.name];
    if (cur === undefined) out[part.name] = v;
    else if (Array.isArray(cur)) cur.push(v);
    else out[part.name] = [cur, v];
  }
  return out;
}

/** The multipart `body` without the parts named `name`; every other byte as it was. */
export function withoutMultipartField(body: Buffer, boundary: string, name: string): Buffer {
  const drop = parseMultipart(body, boundary).filter((p) => p.name === name);
  if (drop.length === 0) return body;
  const kept: Buffer[] = [];
  let from = 0;
  for (const part of drop) {
    kept.push(body.subarray(from, part.start));
    from = part.end;
  }
  kept.push(body.subarray(from));
  return Buffer.concat(kept);
}

function quote(s: string): string {
  return s.replace(/[\\"]/g, "\\$&").replace(/[\r\n]/g, " ");
}

/** `args` as a multipart/form-data body with `boundary` (text fields; lists as repeated parts). */
export function encodeMultipart(args: Record<string, unknown>, boundary: string): Buffer {
  const chunks: string[] = [];
  for (const key of Object.keys(args)) {
    const v = args[key];
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null || item === false) continue;
      const text = typeof item === "object" ? JSON.stringify(item) : String(item);
      chunks.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(key)}"\r\n\r\n${text}\r\n`,
      );
    }
  }
  chunks.push(`--${boundary}--\r\n`);
  return Buffer.from(chunks.join(""));
}
