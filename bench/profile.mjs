// CPU profiles of the benchmark's processes (`npm run bench -- --profile`, `node bench/push.mjs
// --profile`): a process started with `node --cpu-prof --cpu-prof-dir DIR` writes a V8
// `.cpuprofile` when it exits; writeProfile copies it to bench/profiles/<name>.cpuprofile (open it
// in Chrome DevTools' Performance panel or https://www.speedscope.app for the flame graph) and
// writes bench/profiles/<name>.txt: the top functions by self time and the self time by package.
// Alone: `node bench/profile.mjs FILE.cpuprofile` prints the summary of any profile.
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The Node flags that make a process write its CPU profile into `dir` when it exits. */
export const cpuProfArgs = (dir) => ["--cpu-prof", "--cpu-prof-dir", dir];

/** Where a function's code comes from: an npm package, a workspace package, node, or V8 itself. */
export function packageOf(url) {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node (built-in modules)";
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = path.slice(nm + "/node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ws = /\/(apps|packages)\/([^/]+)\//.exec(path);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return path;
}

/**
 * Self time per function and per package of a V8 CPU profile (Profiler.Profile: nodes, samples,
 * timeDeltas in µs). Idle time, `(program)` and the garbage collector are kept as their own rows.
 */
export function summarizeProfile(profile, top = 25, window = undefined) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  // window: [from, to] in µs of the monotonic clock (process.hrtime, the profile's timestamps);
  // only the samples taken in it count (the load, not the process's start-up and shutdown)
  let at = profile.startTime ?? 0;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i] ?? 0;
    if (window && (at < window[0] || at > window[1])) continue;
    // the sample's time is the delta to the next one (V8's convention)
    const dt = timeDeltas[i + 1] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const pkgs = new Map();
  let idle = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || "(anonymous)";
    if (name === "(idle)") idle += us;
    const where = callFrame.url
      ? `${callFrame.url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "")}:${callFrame.lineNumber + 1}`
      : "";
    const key = `${name}\t${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = name.startsWith("(") ? name : packageOf(callFrame.url);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const busy = total - idle;
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const [name, where = ""] = key.split("\t");
        return {
          name,
          where,
          ms: Math.round(us / 100) / 10,
          pct: Math.round((us / total) * 1000) / 10,
        };
      });
  return {
    total_ms: Math.round(total / 1000),
    busy_ms: Math.round(busy / 1000),
    functions: rows(fns),
    packages: rows(pkgs),
  };
}

/**
 * The summary as the text of bench/profiles/<name>.txt; with `requests` (served in the window),
 * each row also gives µs per request.
 */
export function formatSummary(name, s, requests = 0) {
  const perReq = (ms) =>
    requests > 0 ? `${((ms * 1000) / requests).toFixed(2).padStart(8)} µs/req` : "";
  const line = (r) =>
    `${r.ms.toFixed(1).padStart(10)} ms ${r.pct.toFixed(1).padStart(5)} %${perReq(r.ms)}  ${r.name}${r.where ? `  ${r.where}` : ""}`;
  return [
    `CPU profile ${name}: ${s.total_ms} ms sampled, ${s.busy_ms} ms not idle` +
      (requests > 0
        ? ` over the load only: ${requests} requests, ${((s.busy_ms * 1000) / requests).toFixed(1)} µs busy per request`
        : ""),
    "",
    "self time by package:",
    ...s.packages.map(line),
    "",
    "top functions by self time:",
    ...s.functions.map(line),
    "",
  ].join("\n");
}

/**
 * Takes the newest `.cpuprofile` a process wrote into `fromDir`, copies it to
 * `<outDir>/<name>.cpuprofile` and writes `<outDir>/<name>.txt`. Returns the paths and the
 * summary's package rows (for results.json), or null when there is no profile. `load`:
 * `{ window: [fromUs, toUs], requests }` restricts the summary to the load's samples.
 */
export function writeProfile(fromDir, outDir, name, load = undefined) {
  let files;
  try {
    files = readdirSync(fromDir).filter((f) => f.endsWith(".cpuprofile"));
  } catch {
    return null;
  }
  if (files.length === 0) return null;
  const newest = files
    .map((f) => ({ f, t: statSync(join(fromDir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t)[0].f;
  mkdirSync(outDir, { recursive: true });
  const profileFile = join(outDir, `${name}.cpuprofile`);
  copyFileSync(join(fromDir, newest), profileFile);
  const summary = summarizeProfile(JSON.parse(readFileSync(profileFile, "utf8")), 40, load?.window);
  const textFile = join(outDir, `${name}.txt`);
  writeFileSync(textFile, formatSummary(name, summary, load?.requests ?? 0));
  return {
    profile: profileFile,
    summary: textFile,
    busy_ms: summary.busy_ms,
    packages: summary.packages.slice(0, 8),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node bench/profile.mjs FILE.cpuprofile");
    process.exit(2);
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(resolve(file), "utf8")));
  process.stdout.write(formatSummary(file, summary));
}
