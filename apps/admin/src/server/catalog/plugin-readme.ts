import "server-only";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pluginDefinitions } from "@/server/catalog/plugins";

/**
 * A built-in plugin's README. The definition carries it (read next to its handler), but inside the Next
 * bundle that relative file URL does not point at the package any more; then read it from the installed
 * @gatehouse/plugins package (dist/<name>/README.md, then src/<name>/README.md).
 */
export function pluginReadme(name: string): string {
  const fromMeta = pluginDefinitions().get(name)?.meta.readme;
  if (fromMeta) return fromMeta;
  if (!/^[a-z0-9-]+$/.test(name)) return "";
  try {
    const req = createRequire(join(process.cwd(), "package.json"));
    // The package's entry point is dist/index.js.
    const dist = dirname(req.resolve("@gatehouse/plugins"));
    for (const dir of [dist, join(dist, "../src")]) {
      try {
        return readFileSync(join(dir, name, "README.md"), "utf8");
      } catch {
        // try the next place
      }
    }
  } catch {
    // the package is not resolvable from here
  }
  return "";
}
