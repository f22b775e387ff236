#!/usr/bin/env node
// The admin's production server (`npm start -w @gatehouse/admin`): Next.js's own request handler
// behind Node's http server, so the route handlers learn each request's TCP peer address. Next's
// route handlers only see headers, and `next start` passes a client-sent X-Forwarded-For through
// unchanged, so a header cannot tell who is connected. The peer address travels in an
// AsyncLocalStorage (no header a client could forge); src/server/auth/request-info.ts reads it
// and applies GATEHOUSE_ADMIN_TRUSTED_PROXIES.
//
//   node server.mjs [--hostname 127.0.0.1] [--port 3000]     (same options as `next start`)
//
// With the cluster certificate (GATEHOUSE_CLUSTER_CERT / _KEY / _CA) a second, HTTPS listener on
// GATEHOUSE_CLUSTER_LISTEN (default 127.0.0.1:8005) serves the data-plane endpoints over mutual
// TLS, and this one refuses them (cluster-listener.mjs).
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer } from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readClusterTls } from "@gatehouse/config/cluster-tls";
import {
  DEFAULT_CLUSTER_LISTEN,
  createClusterServer,
  isDataPlanePath,
  parseClusterListen,
  refuseDataPlanePath,
} from "./cluster-listener.mjs";

const { values } = parseArgs({
  options: {
    hostname: { type: "string", short: "H", default: "127.0.0.1" },
    port: { type: "string", short: "p", default: process.env.PORT || "3000" },
  },
});
const hostname = values.hostname;
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: must be a port number, got "${values.port}"`);
  process.exit(2);
}

let clusterTls;
let clusterListen;
try {
  clusterTls = readClusterTls(process.env);
  if (clusterTls) {
    clusterListen = parseClusterListen(
      process.env.GATEHOUSE_CLUSTER_LISTEN || DEFAULT_CLUSTER_LISTEN,
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

process.env.NODE_ENV ??= "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

/** @type {AsyncLocalStorage<string>} the TCP peer address of the request being handled */
const socketAddress = new AsyncLocalStorage();
// The bridge to the bundled route code (a module of ours would be a second copy in the bundle).
globalThis[Symbol.for("gatehouse.admin.socketAddress")] = socketAddress;

const { default: next } = await import("next");
const app = next({ dev: false, dir: dirname(fileURLToPath(import.meta.url)), hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

/** Next's handler, with the request's TCP peer address in socketAddress. */
function serve(req, res) {
  socketAddress.run(req.socket.remoteAddress ?? "", () => {
    handle(req, res).catch((error) => {
      console.error("request failed:", error instanceof Error ? error.message : error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
}

const server = createServer((req, res) => {
  // with the cluster listener on, data planes reach their endpoints there only (mutual TLS)
  if (clusterTls && isDataPlanePath(req.url)) refuseDataPlanePath(res);
  else serve(req, res);
});
const clusterServer = clusterTls ? createClusterServer(clusterTls, serve) : undefined;

// An idle keep-alive connection is closed after 65 s, not Node's default 5 s: a client that reuses
// its pooled connection just as the server closes it gets ECONNRESET (Node's http clients,
// Playwright's API requests among them, do not retry), and 5 s is shorter than the gaps between one
// client's calls. 65 s is above the 60 s idle timeout of common load balancers in front; the
// headers timeout goes a second above it (the usual pairing: never cut a kept-alive connection's
// next request shorter than its idle allowance).
for (const s of [server, clusterServer]) {
  if (!s) continue;
  s.keepAliveTimeout = 65_000;
  s.headersTimeout = 66_000;
}

server.on("error", (error) => {
  console.error(`admin: cannot listen on ${hostname}:${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  console.log(`admin ready on http://${hostname}:${port}`);
});
if (clusterServer && clusterListen) {
  clusterServer.on("error", (error) => {
    const at = `${clusterListen.host}:${clusterListen.port}`;
    console.error(`admin: cannot listen on ${at} (GATEHOUSE_CLUSTER_LISTEN): ${error.message}`);
    process.exit(1);
  });
  clusterServer.listen(clusterListen.port, clusterListen.host, () => {
    const { host, port: p } = clusterListen;
    console.log(
      `cluster listener (mutual TLS) on https://${host.includes(":") ? `[${host}]` : host}:${p}`,
    );
  });
}

// Stop accepting, let requests in flight finish (5 s at most), close Next, exit.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      server.closeAllConnections();
      clusterServer?.closeAllConnections();
    }, 5000);
    force.unref();
    clusterServer?.close();
    clusterServer?.closeIdleConnections();
    server.close(() => {
      clearTimeout(force);
      app
        .close()
        .catch((error) => console.error(`admin: closing Next failed: ${error.message}`))
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  });
}
