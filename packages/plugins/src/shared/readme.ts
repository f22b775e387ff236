import { readFileSync } from "node:fs";

/** Reads a plugin's README.md (next to its handler, in src and in dist). */
export function readme(url: URL): string | undefined {
  try {
    return readFileSync(url, "utf8");
  } catch {
    return undefined;
  }
}
