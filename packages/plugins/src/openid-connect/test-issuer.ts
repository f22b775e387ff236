// A test identity provider for openid-connect tests (this package's and the gateway's): discovery and a
// JWKS served on loopback (port 0), keys generated here, rotated on demand, every request counted.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, SignJWT } from "jose";
import type { JWK, JWTPayload } from "jose";

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  jwk: JWK;
}

export async function signingKey(kid: string, alg = "RS256"): Promise<SigningKey> {
  const pair = alg.startsWith("ES")
    ? generateKeyPairSync("ec", { namedCurve: "P-256" })
    : alg === "EdDSA"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey: pair.privateKey, jwk };
}

export interface Issuer {
  /** the issuer URL (also the discovery base) */
  url: string;
  jwksUri: string;
  /** the keys served now */
  keys: SigningKey[];
  /** requests to the JWKS and to discovery */
  hits: { jwks: number; discovery: number };
  sign(claims: JWTPayload, key?: SigningKey, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startIssuer(keys: SigningKey[]): Promise<Issuer> {
  const hits = { jwks: 0, discovery: 0 };
  const issuer = {} as Issuer;
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") {
      hits.discovery++;
      res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: issuer.jwksUri }));
    } else if (req.url === "/jwks") {
      hits.jwks++;
      res.end(JSON.stringify({ keys: issuer.keys.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(issuer, {
    url,
    jwksUri: `${url}/jwks`,
    keys,
    hits,
    async sign(claims: JWTPayload, key = issuer.keys[0]!, header: Record<string, unknown> = {}) {
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: url, iat, exp: iat + 300, ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header })
        .sign(key.privateKey);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return issuer;
}
