import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, hashConfig } from "@gatehouse/config";

/** The last applied snapshot, as kept on disk. */
export interface CachedSnapshot {
  version: number;
  hash: string;
  savedAt: string;
  doc: unknown;
}

export const CACHE_FILE = "snapshot.json";
const FORMAT = "gatehouse-snapshot/1";

export type CacheReadResult =
  | { kind: "missing" }
  | { kind: "ok"; snapshot: CachedSnapshot }
  | { kind: "corrupt"; reason: string };

/**
 * canonicalJson(snapshot), built around the document's canonical JSON when the caller has it
 * (keys in sorted order: doc, hash, savedAt, version).
 */
function canonicalSnapshot(snapshot: CachedSnapshot, canonicalDoc?: string): string {
  if (canonicalDoc === undefined) return canonicalJson(snapshot);
  return (
    `{"doc":${canonicalDoc},"hash":${JSON.stringify(snapshot.hash)},` +
    `"savedAt":${JSON.stringify(snapshot.savedAt)},"version":${canonicalJson(snapshot.version)}}`
  );
}

function checksum(snapshot: CachedSnapshot, canonicalDoc?: string): string {
  return createHash("sha256").update(canonicalSnapshot(snapshot, canonicalDoc)).digest("hex");
}

/**
 * Atomically write the snapshot: temp file in the same directory, fsync, rename over
 * the old file, fsync the directory. A crash leaves either the old or the new file.
 */
export async function writeCache(
  dir: string,
  snapshot: CachedSnapshot,
  /** canonicalJson(snapshot.doc) when already computed (saves serializing the document twice) */
  canonicalDoc?: string,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const canonical = canonicalSnapshot(snapshot, canonicalDoc);
  const sum = createHash("sha256").update(canonical).digest("hex");
  // the canonical text is valid JSON of the same snapshot: written as is
  const body = `{"format":${JSON.stringify(FORMAT)},"checksum":"${sum}","snapshot":${canonical}}`;
  const final = join(dir, CACHE_FILE);
  const tmp = join(dir, `.${CACHE_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(body);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, final);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const dh = await open(dir, "r");
  try {
    await dh.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic
  } finally {
    await dh.close();
  }
}

/** Read and verify the cached snapshot; never returns a partially valid one. */
export async function readCache(dir: string): Promise<CacheReadResult> {
  let text: string;
  try {
    text = await readFile(join(dir, CACHE_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    return { kind: "corrupt", reason: `cannot read: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: "corrupt", reason: "not valid JSON (truncated or overwritten?)" };
  }
  const file = parsed as {
    format?: unknown;
    checksum?: unknown;
    snapshot?: Partial<CachedSnapshot>;
  };
  if (typeof parsed !== "object" || parsed === null || file.format !== FORMAT) {
    return { kind: "corrupt", reason: `unknown format (expected ${FORMAT})` };
  }
  const s = file.snapshot;
  if (
    typeof s !== "object" ||
    s === null ||
    typeof s.version !== "number" ||
    typeof s.hash !== "string" ||
    typeof s.savedAt !== "string" ||
    s.doc === undefined
  ) {
    return { kind: "corrupt", reason: "snapshot fields missing" };
  }
  const snapshot = s as CachedSnapshot;
  if (file.checksum !== checksum(snapshot)) return { kind: "corrupt", reason: "checksum mismatch" };
  if (hashConfig(snapshot.doc) !== snapshot.hash)
    return { kind: "corrupt", reason: "config hash mismatch" };
  return { kind: "ok", snapshot };
}
