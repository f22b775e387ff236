import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { BasicAuthCredential } from "@gatehouse/plugin-kit";
import { verifyPassword } from "@gatehouse/secrets";

// scrypt costs hundreds of milliseconds by design; a data plane cannot pay that on every request.
// Verdicts are remembered per (stored secret, given password) for a while, keyed by an HMAC under a
// per-process random key, so the memory never holds a password or a fast-to-test digest of one.
const CACHE_MAX = 10_000;
const TTL_MS = 5 * 60_000;
const cacheKey = randomBytes(32);
const verdicts = new Map<string, { ok: boolean; until: number }>();
// concurrent verifications of the same pair share one scrypt run
const pending = new Map<string, Promise<boolean>>();

// scrypt runs on libuv's thread pool, which dns.lookup (upstream connections) and fs share: at most
// SCRYPT_CONCURRENCY at once; beyond SCRYPT_QUEUE waiting, a verification fails (closed) at once.
const SCRYPT_CONCURRENCY = 2;
const SCRYPT_QUEUE = 1000;
let running = 0;
const waiting: (() => void)[] = [];

async function limited(password: string, hash: string): Promise<boolean> {
  if (running < SCRYPT_CONCURRENCY) running++;
  else if (waiting.length >= SCRYPT_QUEUE) return false;
  // the finishing run hands its slot over directly
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await verifyPassword(password, hash);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** Constant-time comparison of a plaintext stored password with the given one. */
function plainEqual(stored: string, given: string): boolean {
  return timingSafeEqual(sha256(stored), sha256(given));
}

/**
 * Checks the password given by a client against a basic-auth credential: its plaintext `password`
 * (DB-less files) or its `passwordHash` (`$scrypt$...`, @gatehouse/secrets / @gatehouse/db's format).
 */
export async function checkPassword(cred: BasicAuthCredential, given: string): Promise<boolean> {
  if (typeof cred.password === "string") return plainEqual(cred.password, given);
  const hash = cred.passwordHash;
  if (typeof hash !== "string") return false;
  const key = createHmac("sha256", cacheKey)
    .update(hash)
    .update("\0")
    .update(given)
    .digest("base64");
  const now = Date.now();
  const hit = verdicts.get(key);
  if (hit && hit.until > now) return hit.ok;
  let run = pending.get(key);
  if (!run) {
    run = limited(given, hash).finally(() => pending.delete(key));
    pending.set(key, run);
  }
  const ok = await run;
  if (verdicts.size >= CACHE_MAX) {
    const oldest = verdicts.keys().next();
    if (!oldest.done) verdicts.delete(oldest.value);
  }
  verdicts.delete(key);
  verdicts.set(key, { ok, until: now + TTL_MS });
  return ok;
}
