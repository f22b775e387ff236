import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const NODE_ID_FILE = "node-id";

/**
 * This data plane's stable id: kept in `<cacheDir>/node-id` (created once), so a restarted data
 * plane is the same DataPlane row on the control plane. Without a cache dir: a new id per process.
 */
export async function loadNodeId(cacheDir: string | undefined): Promise<string> {
  if (cacheDir === undefined) return randomUUID();
  const file = join(cacheDir, NODE_ID_FILE);
  try {
    const id = (await readFile(file, "utf8")).trim();
    if (/^[A-Za-z0-9._:-]{1,128}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const id = randomUUID();
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${id}\n`, { mode: 0o600 });
  return id;
}
