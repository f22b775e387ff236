// Shared by the *-e2e tests of basic-auth, jwt, acl, bot-detection, cors: a real gateway (the data plane's
// startGateway, loaded with this package's plugins) in front of a real upstream that echoes what it got.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import { startGateway } from "@gatehouse/gateway/testing";
import { builtinCatalog } from "../src/index.js";

/** An upstream answering 200 with `{ method, url, headers }` of the request it got. */
export async function echoUpstream(t: TestContext): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A gateway on free ports with `config` (a declarative document); closed after the test. */
export async function gatewayWith(t: TestContext, config: unknown): Promise<string> {
  const gw = await startGateway(config, { plugins: builtinCatalog });
  t.after(() => gw.close());
  return gw.url;
}

/** One service `s` → upstream, one route /api with `plugins`, plus `consumers`. */
export function oneRoute(upstream: string, plugins: unknown[], consumers: unknown[] = []) {
  return {
    _format_version: "3.0",
    services: [{ name: "s", url: upstream, routes: [{ name: "api", paths: ["/api"], plugins }] }],
    consumers,
  };
}

export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
}

/** A request on a fresh connection (no pooled sockets kept open after the test). */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { ...init, headers: { connection: "close", ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
