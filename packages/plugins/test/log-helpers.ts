// A real HTTP log collector on 127.0.0.1:0 for http-log's tests.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Collector {
  url: string;
  received: Received[];
  /** statuses to answer with, in order (then 200) */
  statuses: number[];
  /** when set, requests are held until release() */
  hold: boolean;
  release(): void;
  /** resolves once `n` requests were received (fails after 5 s) */
  waitFor(n: number): Promise<void>;
}

export async function collector(t: TestContext): Promise<Collector> {
  const held: { res: ServerResponse; status: number }[] = [];
  const c: Collector = {
    url: "",
    received: [],
    statuses: [],
    hold: false,
    release() {
      c.hold = false;
      for (const h of held.splice(0)) h.res.writeHead(h.status).end();
    },
    async waitFor(n) {
      const deadline = Date.now() + 5000;
      while (c.received.length < n) {
        if (Date.now() > deadline)
          throw new Error(`collector got ${c.received.length} requests, expected ${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      c.received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(text) as unknown,
      });
      const status = c.statuses.shift() ?? 200;
      if (c.hold) held.push({ res, status });
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(
    () =>
      new Promise<void>((r) => {
        c.release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return c;
}
