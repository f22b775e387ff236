import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { serializeLog } from "../shared/log-entry.js";
import { readme } from "../shared/readme.js";
import type { FileLogConfig } from "./schema.js";
import { fileLogSchema } from "./schema.js";
import { placeLogFile } from "./place.js";
import { FileLogWriter } from "./writer.js";

/** On a bound config: the allowed directory its path was placed in. */
const kDir = Symbol("file-log.dir");
type BoundConfig = FileLogConfig & { [kDir]?: string };

/** One writer per path (process-wide: shared by every instance and snapshot naming that file). */
const writers = new Map<string, FileLogWriter>();

/** The writer of a path (tests and metrics); undefined until a request was logged to it. */
export function fileLogWriter(path: string): FileLogWriter | undefined {
  return writers.get(path);
}

function log(kit: Kit, conf: FileLogConfig): void {
  let w = writers.get(conf.path);
  if (!w) {
    w = new FileLogWriter(conf.path, kit.log, undefined, (conf as BoundConfig)[kDir]);
    writers.set(conf.path, w);
  } else w.setLogger(kit.log);
  w.push(JSON.stringify(serializeLog(kit)), conf.reopen);
}

async function closeWhere(keep: (path: string) => boolean): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const [path, w] of writers) {
    if (keep(path)) continue;
    writers.delete(path);
    closing.push(w.close());
  }
  await Promise.all(closing);
}

export const fileLog = definePlugin({
  name: "file-log",
  version: "1.0.0",
  priority: 9,
  configSchema: fileLogSchema,
  phases: { log },
  // on the data plane: the file must be in a --file-log-dir directory (symlinks resolved) and be
  // a regular file; a relative path is taken inside the first directory
  bind: (config, options) => {
    const placed = placeLogFile(config.path, options.fileLogDirs);
    if ("error" in placed) return { ok: false, errors: [{ path: "path", message: placed.error }] };
    const bound: BoundConfig = { ...config, path: placed.path, [kDir]: placed.dir };
    return { ok: true, config: bound };
  },
  // files no running config names any more: write what is waiting and close them
  retain: (configs) => {
    const live = new Set(configs.map((c) => c.path));
    return closeWhere((p) => live.has(p));
  },
  // shutdown: write everything waiting, close every file
  dispose: () => closeWhere(() => false),
  meta: {
    title: "File Log",
    category: "logging",
    summary: "Appends one JSON line per request to a log file, without blocking requests on disk.",
    icon: "file-text",
    scopes: ["global", "service", "route", "consumer"],
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
