// tsc does not copy the plugins' README.md (their marketplace pages) to dist: do it.
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const src = new URL("../src/", import.meta.url).pathname;
const dist = new URL("../dist/", import.meta.url).pathname;
for (const dir of readdirSync(src, { withFileTypes: true })) {
  const readme = join(src, dir.name, "README.md");
  if (dir.isDirectory() && existsSync(readme)) cpSync(readme, join(dist, dir.name, "README.md"));
}
