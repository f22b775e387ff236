import { createServer } from "node:http";
import type { Server } from "node:http";

/** The demo echo upstream: every request answered with JSON { method, path, query, headers, body }. */
const MAX_ECHO_BODY = 1024 * 1024;

export function createEchoServer(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_ECHO_BODY) chunks.push(c);
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://echo.invalid");
      const payload = JSON.stringify({
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(payload),
      });
      res.end(payload);
    });
    req.on("error", () => res.destroy());
  });
}
