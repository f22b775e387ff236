// Secrets sealed inside stored JSON (plugin configs, configuration snapshots): a secret string is
// stored as `{"$sealed":"v1.<iv>.<tag>.<ciphertext>"}` (encryptSecret's AES-256-GCM format, under
// the same server key as the jwt secrets and the certificates' private keys), a shape no string
// field of a plugin can hold. The rule lives here only: the admin seals plugin secrets on write,
// the export opens them for data planes, and versions keep their snapshots sealed.
import { decryptSecret, encryptSecret } from "./auth.js";

export const SEALED_KEY = "$sealed";

export interface Sealed {
  $sealed: string;
}

/** True for a sealed secret `{"$sealed":"v1...."}` (exactly that one key). */
export function isSealed(value: unknown): value is Sealed {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 && keys[0] === SEALED_KEY && typeof (value as Sealed).$sealed === "string"
  );
}

/** `encrypted` (encryptSecret output, e.g. JwtCredential.secretEncrypted) as a sealed value. */
export function sealedOf(encrypted: string): Sealed {
  return { $sealed: encrypted };
}

/**
 * `value` with every string in it sealed (a secret field may be a string or a structure of
 * strings); values sealed already are kept. `keep` returns the sealed value to reuse for a clear
 * string when it is still the same (so an unchanged secret keeps its stored ciphertext).
 */
export function sealValue(
  value: unknown,
  key: string | Buffer,
  keep?: (clear: string) => Sealed | undefined,
): unknown {
  if (typeof value === "string") return keep?.(value) ?? sealedOf(encryptSecret(value, key));
  if (typeof value !== "object" || value === null || isSealed(value)) return value;
  if (Array.isArray(value)) return value.map((v) => sealValue(v, key, keep));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, sealValue(v, key, keep)] as const),
  );
}

/** Where a sealed value sat in a document that now holds it in clear (see openValue). */
export interface SealedSpot {
  parent: object;
  key: string | number;
  sealed: Sealed;
}

/**
 * `value` with every sealed value in it opened (decrypted); the same reference when it holds
 * none (nothing copied), else copies along the way. `spots` collects where each opened value
 * sits in the result. Throws a clear error when a value cannot be opened with `key`.
 */
export function openValue(value: unknown, key: string | Buffer, spots?: SealedSpot[]): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isSealed(value)) return decryptSecret(value.$sealed, key);
  let copy: Record<string, unknown> | unknown[] | null = null;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  const opened: [string | number, Sealed][] = [];
  for (const [k, v] of entries) {
    if (typeof v !== "object" || v === null) continue;
    const next = openValue(v, key, spots);
    if (next === v) continue;
    copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...value };
    (copy as Record<string | number, unknown>)[k] = next;
    if (isSealed(v)) opened.push([k, v]);
  }
  if (copy === null) return value;
  for (const [k, sealed] of opened) spots?.push({ parent: copy, key: k, sealed });
  return copy;
}

/** True when `value` holds a sealed value anywhere. */
export function holdsSealed(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isSealed(value)) return true;
  return (Array.isArray(value) ? value : Object.values(value)).some(holdsSealed);
}

/**
 * Runs `fn` with the opened values at `spots` put back sealed (e.g. to serialize a document
 * for storage without a second copy of it), then restores the clear values.
 */
export function withSealedSpots<T>(spots: SealedSpot[], fn: () => T): T {
  const clear = spots.map((s) => (s.parent as Record<string | number, unknown>)[s.key]);
  for (const s of spots) (s.parent as Record<string | number, unknown>)[s.key] = s.sealed;
  try {
    return fn();
  } finally {
    spots.forEach((s, i) => ((s.parent as Record<string | number, unknown>)[s.key] = clear[i]));
  }
}

// A sealed value in JSON text, canonical (`{"$sealed":"v1..."}`) or PostgreSQL's jsonb text
// (`{"$sealed": "v1..."}`). Inside a JSON string every `"` is escaped, so this can only match an
// actual sealed object.
const SEALED_TEXT = /\{"\$sealed": ?"(v1\.[\w-]*\.[\w-]*\.[\w-]*)"\}/g;

/**
 * JSON text with every sealed value replaced by its clear string (JSON-encoded): one pass over
 * the text, no parse. Canonical JSON stays canonical, so the result's hash is the clear
 * document's.
 */
export function openSealedText(text: string, key: string | Buffer): string {
  if (!text.includes('"$sealed"')) return text;
  return text.replace(SEALED_TEXT, (_match, encrypted: string) =>
    JSON.stringify(decryptSecret(encrypted, key)),
  );
}
