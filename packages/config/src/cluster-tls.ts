/**
 * Mutual TLS between the control plane and its data planes (Kong's hybrid-mode `cluster_cert`,
 * `cluster_cert_key`, `cluster_ca_cert`), the same rules on both planes:
 * `GATEHOUSE_CLUSTER_CERT` / `GATEHOUSE_CLUSTER_KEY` / `GATEHOUSE_CLUSTER_CA`, each a file path or
 * the PEM itself, all three or none. With them, every cluster connection is TLS in both
 * directions: the side that listens presents its certificate and requires the peer's, and both
 * verify the other's against the CA (a shared cluster certificate signed by the CA works as well
 * as one certificate per plane). The bearer token is still checked on top of it.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { EnvError } from "./env.js";
import { checkCaCertificate, checkCertificatePair } from "./tls.js";

export const CLUSTER_TLS_VARIABLES = [
  "GATEHOUSE_CLUSTER_CERT",
  "GATEHOUSE_CLUSTER_KEY",
  "GATEHOUSE_CLUSTER_CA",
] as const;

/** The PEMs of the cluster certificate, its key and the CA that signs the planes' certificates. */
export interface ClusterTls {
  cert: string;
  key: string;
  ca: string;
}

type ClusterTlsEnv = Partial<Record<(typeof CLUSTER_TLS_VARIABLES)[number], string>>;

/** The value itself when it is PEM, else the content of the file it names. */
function pemOrFile(name: string, value: string, problems: string[]): string | undefined {
  if (value.includes("-----BEGIN ")) return value;
  try {
    return readFileSync(value, "utf8");
  } catch (err) {
    problems.push(
      `  - ${name}: cannot read ${JSON.stringify(value)} (${(err as NodeJS.ErrnoException).code ?? "error"}); give a PEM file path or the PEM itself`,
    );
    return undefined;
  }
}

/**
 * The cluster TLS material from the environment, or undefined when none of the three is set.
 * Throws an EnvError naming each bad variable: only some of them set, a file that cannot be read,
 * a PEM that does not parse, a key that is not the certificate's, a CA that is not a CA.
 */
export function readClusterTls(env: ClusterTlsEnv): ClusterTls | undefined {
  const given = CLUSTER_TLS_VARIABLES.filter((name) => (env[name] ?? "") !== "");
  if (given.length === 0) return undefined;
  const problems: string[] = [];
  if (given.length < CLUSTER_TLS_VARIABLES.length) {
    for (const name of CLUSTER_TLS_VARIABLES) {
      if (!given.includes(name)) {
        problems.push(
          `  - ${name}: must be set with ${given.join(" and ")} (the cluster certificate, its key and the CA: all three or none)`,
        );
      }
    }
    throw new EnvError(`invalid cluster TLS settings:\n${problems.join("\n")}`);
  }
  const cert = pemOrFile("GATEHOUSE_CLUSTER_CERT", env.GATEHOUSE_CLUSTER_CERT as string, problems);
  const key = pemOrFile("GATEHOUSE_CLUSTER_KEY", env.GATEHOUSE_CLUSTER_KEY as string, problems);
  const ca = pemOrFile("GATEHOUSE_CLUSTER_CA", env.GATEHOUSE_CLUSTER_CA as string, problems);
  if (cert !== undefined && key !== undefined) {
    const pair = checkCertificatePair(cert, key);
    if (pair.cert) problems.push(`  - GATEHOUSE_CLUSTER_CERT: ${pair.cert}`);
    if (pair.key) problems.push(`  - GATEHOUSE_CLUSTER_KEY: ${pair.key}`);
  }
  if (ca !== undefined) {
    const reason = checkCaCertificate(ca);
    if (reason !== null) problems.push(`  - GATEHOUSE_CLUSTER_CA: ${reason}`);
  }
  if (problems.length > 0 || cert === undefined || key === undefined || ca === undefined) {
    throw new EnvError(`invalid cluster TLS settings:\n${problems.join("\n")}`);
  }
  return { cert, key, ca };
}

/** TLS options of a cluster server: presents the certificate, requires a client one the CA signed. */
export function clusterServerTlsOptions(tls: ClusterTls) {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2" as const,
  };
}

/** TLS options of a cluster client: presents the certificate, verifies the server's against the CA. */
export function clusterClientTlsOptions(tls: ClusterTls) {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2" as const,
  };
}

/**
 * One HTTPS call with the cluster certificate: presented to the server, whose own certificate is
 * verified against the cluster CA (and its name against the URL's host). fetch cannot present a
 * client certificate (Node's undici takes no TLS options), so cluster calls over mutual TLS use
 * this; the answer is a fetch Response (body buffered), so callers treat both transports alike.
 */
export interface MutualTlsInit {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
  tls: ClusterTls;
}

export function mutualTlsCall(url: URL, init: MutualTlsInit): Promise<Response> {
  if (url.protocol !== "https:") {
    return Promise.reject(
      new Error(
        `${url.origin}: the cluster certificate is set (GATEHOUSE_CLUSTER_CERT), so the control plane's URL must be https://`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method,
        headers:
          init.body === undefined
            ? init.headers
            : { ...init.headers, "content-length": Buffer.byteLength(init.body) },
        signal: init.signal,
        agent: false,
        ...clusterClientTlsOptions(init.tls),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") headers.set(name, value);
            else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
          }
          const status = res.statusCode ?? 502;
          const noBody = status === 204 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers }));
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}
