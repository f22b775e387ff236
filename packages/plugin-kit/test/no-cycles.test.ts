import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

const SRC = new URL("../src/", import.meta.url);

/** Every relative import and re-export of each src module, type-only ones included. */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(SRC).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(new URL(file, SRC), "utf8");
    const deps: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"\.\/([^"]+)\.js"/gms)) {
      deps.push(`${m[1]}.ts`);
    }
    out.set(file, deps);
  }
  return out;
}

test("the kit's modules import each other without a cycle (type imports included)", () => {
  const g = graph();
  assert.ok(g.size > 10 && g.get("runner.ts")?.includes("transaction.ts"), "the scan sees imports");
  const cycles: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const path: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 1);
    path.push(f);
    for (const d of g.get(f) ?? []) {
      if (state.get(d) === 1) cycles.push([...path.slice(path.indexOf(d)), d].join(" → "));
      else if (state.get(d) === undefined) visit(d);
    }
    path.pop();
    state.set(f, 2);
  };
  for (const f of g.keys()) if (state.get(f) === undefined) visit(f);
  assert.deepEqual(cycles, []);
});
