// The control plane's cluster listener (Kong's cluster_listen, port 8005): with the cluster
// certificate set (GATEHOUSE_CLUSTER_CERT / _KEY / _CA), the data-plane endpoints
// (/api/v1/dataplane/: register, heartbeat, config pull) are served only here, over HTTPS that
// requires a client certificate the cluster CA signed; the main listener refuses them (403), so a
// data plane without a valid certificate cannot reach them at all. Everything else is 404 here.
// The bearer token (GATEHOUSE_CLUSTER_TOKEN) is still checked by the route handlers.
import { createServer } from "node:https";
import { clusterServerTlsOptions } from "@gatehouse/config/cluster-tls";

export const DATAPLANE_PREFIX = "/api/v1/dataplane/";
export const DEFAULT_CLUSTER_LISTEN = "127.0.0.1:8005";

/**
 * Whether `url` reaches a data-plane endpoint, judged on the decoded path with repeated slashes
 * collapsed and case folded (what a router might also take for one); undecodable: treated as one.
 */
export function isDataPlanePath(url) {
  const raw = (url ?? "").split("?")[0] ?? "";
  let path;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return true;
  }
  const folded = `${path.replace(/\/+/g, "/").toLowerCase()}/`;
  return folded.startsWith(DATAPLANE_PREFIX);
}

/** GATEHOUSE_CLUSTER_LISTEN: `HOST:PORT` (or `[v6]:PORT`); throws naming the variable. */
export function parseClusterListen(value) {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new Error(
      `GATEHOUSE_CLUSTER_LISTEN: must be HOST:PORT (e.g. ${DEFAULT_CLUSTER_LISTEN}), got ${JSON.stringify(value)}`,
    );
  }
  return { host: m[1] ?? m[2], port };
}

function answer(res, status, message) {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** The main listener's answer to a data-plane endpoint while the cluster listener is on. */
export function refuseDataPlanePath(res) {
  answer(
    res,
    403,
    "data planes connect to the cluster listener (GATEHOUSE_CLUSTER_LISTEN, mutual TLS with the cluster certificate)",
  );
}

/** The cluster listener: mutual TLS with `tls`, data-plane endpoints only, handled by `handle`. */
export function createClusterServer(tls, handle) {
  const server = createServer(clusterServerTlsOptions(tls), (req, res) => {
    if (!isDataPlanePath(req.url)) {
      answer(res, 404, "the cluster listener serves the data-plane endpoints only");
      return;
    }
    handle(req, res);
  });
  // a refused certificate fails its handshake; nothing to log per scanner
  server.on("tlsClientError", () => undefined);
  return server;
}
