/**
 * Test certificates made with the openssl CLI (tests only: `@gatehouse/config/testing`). Every
 * call makes a fresh key pair; nothing is kept on disk.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
