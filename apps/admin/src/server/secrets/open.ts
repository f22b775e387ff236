import "server-only";
import { holdsSealed, openValue } from "@gatehouse/db/sealed";
import { jwtSecretKey } from "@/server/entities/credentials";
import { ApiError } from "@/server/http/errors";

/**
 * `value` (a stored plugin config, a version's snapshot) with its sealed secrets opened; the
 * same reference when it holds none. A 503 naming the setting when they cannot be opened (the
 * admin checks the key at start, so only a key changed under a running admin gets here).
 */
export function openStoredSecrets<T>(value: T): T {
  if (!holdsSealed(value)) return value;
  const key = jwtSecretKey();
  try {
    if (key === undefined) throw new Error("no key");
    return openValue(value, key) as T;
  } catch {
    throw new ApiError(
      "unavailable",
      "stored secrets cannot be decrypted: GATEHOUSE_KEY_HASH_SECRET is not the one they were encrypted with",
    );
  }
}
