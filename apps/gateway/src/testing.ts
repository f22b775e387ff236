import type { AddressInfo } from "node:net";
import { formatErrors } from "@gatehouse/config";
import { buildGateway } from "./server.js";
import type { Gateway, GatewayOptions } from "./server.js";

export interface StartedGateway {
  gateway: Gateway;
  /** proxy base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** TLS proxy base URL, e.g. https://127.0.0.1:41235 */
  tlsUrl: string;
  /** control base URL */
  controlUrl: string;
  /** the cluster token to use with the control endpoint */
  token: string;
  close(): Promise<void>;
}

/**
 * Start a real gateway on 127.0.0.1 with free ports, loaded with `config` (a declarative
 * document, as from a file: version 0), or not ready when `config` is undefined.
 */
export async function startGateway(
  config: unknown,
  opts: Omit<GatewayOptions, "listen" | "control" | "listenTls"> = {},
): Promise<StartedGateway> {
  const token = opts.clusterToken ?? "test-cluster-token";
  const gateway = buildGateway({
    logLevel: "silent",
    shutdownGrace: 2000,
    ...opts,
    clusterToken: token,
    listen: { host: "127.0.0.1", port: 0 },
    listenTls: { host: "127.0.0.1", port: 0 },
    control: { host: "127.0.0.1", port: 0 },
  });
  if (config !== undefined) {
    const r = await gateway.loadDocument(config, 0, "file");
    if (!r.ok) throw new Error(`startGateway: invalid config:\n${formatErrors(r.errors)}`);
  }
  const urls = await gateway.listen();
  const p = gateway.proxy.server.address() as AddressInfo;
  const c = gateway.control.server.address() as AddressInfo;
  return {
    gateway,
    url: `http://127.0.0.1:${p.port}`,
    tlsUrl: urls.proxyTls ?? "",
    controlUrl: `http://127.0.0.1:${c.port}`,
    token,
    close: () => gateway.close(),
  };
}
