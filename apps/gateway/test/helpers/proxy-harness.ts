import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import {
  UpstreamPool,
  forward,
  forwardedHeaders,
  pipeResponse,
  refuseBadFraming,
  type OutboundRequest,
  type ForwardError,
  type UpstreamPoolOptions,
  type UpstreamSpec,
} from "../../src/proxy/index.js";

export function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export interface Upstream {
  port: number;
  server: http.Server;
  /** TCP connections accepted so far */
  connections: number;
  /** connections currently open */
  open: Set<net.Socket>;
  requests: http.IncomingMessage[];
  close(): Promise<void>;
}

/** A real upstream http server on 127.0.0.1:0 that counts connections and requests. */
export async function startUpstream(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) =>
    res.end("ok"),
): Promise<Upstream> {
  const server = http.createServer();
  const up: Upstream = {
    port: 0,
    server,
    connections: 0,
    open: new Set(),
    requests: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("connection", (socket: net.Socket) => {
    up.connections++;
    up.open.add(socket);
    socket.once("close", () => up.open.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    up.requests.push(req);
    handler(req, res);
  });
  up.port = await listen(server);
  return up;
}

/** A raw TCP upstream (for broken / hand-written responses). */
export async function startRawUpstream(
  onSocket: (socket: net.Socket, index: number) => void,
): Promise<{
  port: number;
  sockets: net.Socket[];
  close(): Promise<void>;
}> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    onSocket(socket, sockets.length - 1);
  });
  const port = await listen(server);
  return {
    port,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function spec(
  ports: number[] | Array<[number, number]>,
  over: Partial<UpstreamSpec> = {},
): UpstreamSpec {
  return {
    key: "svc",
    protocol: "http",
    targets: ports.map((p) =>
      Array.isArray(p)
        ? { host: "127.0.0.1", port: p[0], weight: p[1] }
        : { host: "127.0.0.1", port: p, weight: 100 },
    ),
    connectTimeout: 2000,
    readTimeout: 5000,
    writeTimeout: 5000,
    retries: 0,
    ...over,
  };
}

export interface GatewayOptions {
  pool?: UpstreamPoolOptions;
  trustedProxies?: string[];
  insecureHTTPParser?: boolean;
  /** change the outbound request (runs before forward, like plugins) */
  out?: (req: http.IncomingMessage, out: OutboundRequest) => OutboundRequest;
  /** change the response head (like header_filter plugins) */
  head?: (proxyRes: http.IncomingMessage) => { status: number; headers: http.OutgoingHttpHeaders };
}

export interface Gateway {
  port: number;
  url: string;
  pool: UpstreamPool;
  /** requests that passed the framing check and were handed to forward() */
  forwarded: number;
  errors: ForwardError[];
  responses: Array<{ target: string; upstreamLatencyMs: number }>;
  /** completes when the n-th forward() settled (onResponse or onError) */
  settled(n: number): Promise<void>;
  close(): Promise<void>;
}

/** Minimal gateway: framing check, X-Forwarded-*, forward(), pipeResponse / JSON error. */
export async function startGateway(
  upstream: UpstreamSpec,
  opts: GatewayOptions = {},
): Promise<Gateway> {
  const pool = new UpstreamPool(opts.pool);
  const up = pool.upstream(upstream);
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let settledCount = 0;
  const onSettled = (): void => {
    settledCount++;
    for (const w of waiters.filter((w) => w.n <= settledCount)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const server = http.createServer(
    { insecureHTTPParser: opts.insecureHTTPParser ?? false },
    (req, res) => {
      if (refuseBadFraming(req, res)) return;
      gw.forwarded++;
      const port = (req.socket.address() as AddressInfo).port;
      let out: OutboundRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: {
          ...(req.headers as Record<string, string | string[]>),
          ...forwardedHeaders(req, {
            trustedProxies: opts.trustedProxies ?? [],
            scheme: "http",
            port,
          }),
        },
      };
      if (opts.out) out = opts.out(req, out);
      forward(req, res, up, out, {
        onResponse(proxyRes, info) {
          gw.responses.push(info);
          onSettled();
          pipeResponse(proxyRes, res, opts.head?.(proxyRes));
        },
        onError(err) {
          gw.errors.push(err);
          onSettled();
          if (res.headersSent || res.destroyed) return;
          res.writeHead(err.status, {
            "content-type": "application/json",
            "x-gatehouse-error": err.code,
            "x-gatehouse-kind": err.kind,
          });
          res.end(JSON.stringify({ message: err.message, code: err.code }));
        },
      });
    },
  );
  const port = await listen(server);
  const gw: Gateway = {
    port,
    url: `http://127.0.0.1:${port}`,
    pool,
    forwarded: 0,
    errors: [],
    responses: [],
    settled: (n) =>
      new Promise((resolve) => {
        if (settledCount >= n) resolve();
        else waiters.push({ n, resolve });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          pool.destroy();
          resolve();
        });
      }),
  };
  return gw;
}

/** Send raw bytes, resolve with everything received until the server closes or `until` matches. */
export function rawRequest(
  port: number,
  data: string | Buffer,
  opts: { until?: RegExp; timeoutMs?: number } = {},
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, opts.timeoutMs ?? 2000);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (opts.until?.test(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ text, closed: false });
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(data);
  });
}

export function waitFor(cond: () => boolean, timeoutMs = 2000, what = "condition"): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}
