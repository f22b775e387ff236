/**
 * Test certificates made with the openssl CLI (tests only: `@gatehouse/config/testing`). Every
 * call makes a fresh key pair; nothing is kept on disk.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpsRequest } from "node:https";

export interface TestCertificate {
  cert: string;
  key: string;
}

export interface CertificateOptions {
  /** subject CN */
  cn: string;
  /** subjectAltName entries: hostnames (`DNS:`) or IP addresses (`IP:`) */
  sans?: string[];
  /** validity in days (default 30) */
  days?: number;
  /** signs the certificate; self-signed when absent */
  issuer?: TestCertificate;
  /** a CA certificate (basicConstraints CA:TRUE) */
  ca?: boolean;
  keyType?: "ec" | "rsa";
}

const KEY_ARGS = {
  ec: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  rsa: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
} as const;

/** A key pair and its certificate (self-signed, or signed by `issuer`). */
export function makeCertificate(options: CertificateOptions): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-cert-"));
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  try {
    run(["genpkey", ...KEY_ARGS[options.keyType ?? "ec"], "-out", file("key.pem")]);
    const sans = (options.sans ?? []).map((s) => (/^[\d.]+$|:/.test(s) ? `IP:${s}` : `DNS:${s}`));
    const ext = [
      options.ca
        ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign"
        : "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth",
      ...(sans.length > 0 ? [`subjectAltName=${sans.join(",")}`] : []),
    ].join("\n");
    writeFileSync(file("ext.cnf"), `${ext}\n`);
    const days = String(options.days ?? 30);
    run([
      "req",
      "-new",
      "-key",
      file("key.pem"),
      "-subj",
      `/CN=${options.cn}`,
      "-out",
      file("csr.pem"),
    ]);
    const signer = options.issuer
      ? (writeFileSync(file("ca.pem"), options.issuer.cert),
        writeFileSync(file("ca-key.pem"), options.issuer.key),
        ["-CA", file("ca.pem"), "-CAkey", file("ca-key.pem"), "-set_serial", serial()])
      : ["-signkey", file("key.pem")];
    run([
      "x509",
      "-req",
      "-in",
      file("csr.pem"),
      ...signer,
      "-days",
      days,
      "-extfile",
      file("ext.cnf"),
      "-out",
      file("cert.pem"),
    ]);
    return {
      cert: readFileSync(file("cert.pem"), "utf8"),
      key: readFileSync(file("key.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let counter = 0;
const serial = () => `0x${Date.now().toString(16)}${(++counter).toString(16).padStart(4, "0")}`;

/** A cluster PKI for mutual-TLS tests: the cluster CA, another CA, and leaves they sign. */
export interface ClusterPki {
  ca: TestCertificate;
  otherCa: TestCertificate;
  /** a certificate for 127.0.0.1 / localhost (server and client use) signed by `issuer` (the CA) */
  leaf(cn: string, issuer?: TestCertificate): TestCertificate;
}

export function makeClusterPki(): ClusterPki {
  const ca = makeCertificate({ cn: "gatehouse-cluster-ca", ca: true });
  const otherCa = makeCertificate({ cn: "another-ca", ca: true });
  return {
    ca,
    otherCa,
    leaf: (cn, issuer = ca) => makeCertificate({ cn, sans: ["127.0.0.1", "localhost"], issuer }),
  };
}

/**
 * One HTTPS GET to 127.0.0.1:`port` verifying the server against `ca`, presenting `client` (none
 * when absent); rejects when the handshake fails.
 */
export function mtlsGet(
  port: number,
  path: string,
  opts: { ca: string; client?: TestCertificate; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        agent: false,
        ca: opts.ca,
        ...(opts.client ? { cert: opts.client.cert, key: opts.client.key } : {}),
        headers: opts.headers ?? {},
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
