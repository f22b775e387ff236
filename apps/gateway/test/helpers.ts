import { request as httpRequest, createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import { createEchoServer } from "../src/echo-server.js";
import { startGateway } from "../src/testing.js";
import type { StartedGateway } from "../src/testing.js";
import type { GatewayOptions } from "../src/server.js";

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

/** One HTTP request on a fresh connection (no pooled sockets left behind). */
export function send(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: opts.method ?? "GET", headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export async function listen(server: Server, t: TestContext): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The demo echo upstream on a free port. */
export function echoUpstream(t: TestContext): Promise<string> {
  return listen(createEchoServer(), t);
}

/** A custom upstream on a free port. */
export function upstream(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  return listen(createServer(handler), t);
}

export async function gateway(
  t: TestContext,
  config: unknown,
  opts: Omit<GatewayOptions, "listen" | "control"> = {},
): Promise<StartedGateway> {
  const gw = await startGateway(config, opts);
  t.after(() => gw.close());
  return gw;
}

export function doc(
  services: unknown[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { _format_version: "3.0", services, ...extra };
}

export function control(
  gw: StartedGateway,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = gw.token,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return send(gw.controlUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Write raw bytes on a fresh connection to `url`'s port; resolves with everything read until the server closes. */
export function rawRequest(url: string, data: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(data));
    let out = "";
    s.on("data", (c: Buffer) => (out += c.toString()));
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}
