/** Error bodies in JSON, XML, HTML or plain text, chosen like Kong's kong.response.error(). */

export const HTTP_MESSAGES: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  402: "Payment required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  406: "Not acceptable",
  407: "Proxy authentication required",
  408: "Request timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length required",
  412: "Precondition failed",
  413: "Payload too large",
  414: "URI too long",
  415: "Unsupported media type",
  416: "Range not satisfiable",
  417: "Expectation failed",
  418: "I'm a teapot",
  421: "Misdirected request",
  422: "Unprocessable entity",
  423: "Locked",
  424: "Failed dependency",
  425: "Too early",
  426: "Upgrade required",
  428: "Precondition required",
  429: "Too many requests",
  431: "Request header fields too large",
  451: "Unavailable for legal reasons",
  494: "Request header or cookie too large",
  500: "An unexpected error occurred",
  501: "Not implemented",
  502: "An invalid response was received from the upstream server",
  503: "The upstream server is currently unavailable",
  504: "The upstream server is timing out",
  505: "HTTP version not supported",
  506: "Variant also negotiates",
  507: "Insufficient storage",
  508: "Loop detected",
  510: "Not extended",
  511: "Network authentication required",
};

export function defaultMessage(status: number): string {
  return HTTP_MESSAGES[status] ?? `The upstream server responded with ${status}`;
}

export type ErrorFormat = "json" | "xml" | "html" | "text";

export const CONTENT_TYPES: Readonly<Record<ErrorFormat, string>> = {
  json: "application/json; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  html: "text/html; charset=utf-8",
  text: "text/plain; charset=utf-8",
};

/** Maps a media type (possibly with parameters or wildcards) to a format; undefined when unknown. */
export function formatOfMediaType(mediaType: string): ErrorFormat | undefined {
  const semi = mediaType.indexOf(";");
  const essence = (semi === -1 ? mediaType : mediaType.slice(0, semi)).trim().toLowerCase();
  switch (essence) {
    case "application/json":
    case "*/*":
    case "application/*":
      return "json";
    case "application/xml":
    case "text/xml":
      return "xml";
    case "text/html":
      return "html";
    case "text/plain":
    case "text/*":
      return "text";
    default:
      return essence.endsWith("+json") ? "json" : essence.endsWith("+xml") ? "xml" : undefined;
  }
}

/**
 * Picks the format from an Accept header: the supported media range with the highest q-value wins
 * (the first one on ties); q=0 means "not acceptable"; nothing usable → JSON.
 */
export function formatFromAccept(accept: string | undefined): ErrorFormat {
  if (!accept) return "json";
  let best: ErrorFormat = "json";
  let bestQ = 0;
  for (const part of accept.split(",")) {
    const params = part.split(";");
    const format = formatOfMediaType(params[0] ?? "");
    if (!format) continue;
    let q = 1;
    for (let i = 1; i < params.length; i++) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(params[i] ?? "");
      if (m) {
        const n = Number(m[1]);
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
      }
    }
    if (q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  return best;
}

function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}

export function renderError(format: ErrorFormat, message: string): string {
  switch (format) {
    case "json":
      return JSON.stringify({ message });
    case "xml":
      return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${escapeMarkup(message)}</message>\n</error>\n`;
    case "html":
      return (
        `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n` +
        `  <body>\n    <h1>Error</h1>\n    <p>${escapeMarkup(message)}.</p>\n  </body>\n</html>\n`
      );
    case "text":
      return `${message}\n`;
  }
}
