import { z } from "zod";
import type { CatchHandler, PluginDefinition, PluginPhases } from "../src/index.js";
import { definePlugin } from "../src/index.js";
import type { RunOptions, RunResult } from "../src/testing.js";
import { chainOf, runTransaction } from "../src/testing.js";

const empty = z.object({});

export function plugin(
  name: string,
  priority: number,
  phases: PluginPhases<Record<string, never>>,
  extra: { catch?: CatchHandler<Record<string, never>> } = {},
): PluginDefinition {
  return definePlugin({ name, version: "1.0.0", priority, configSchema: empty, phases, ...extra });
}

/** Runs the given plugins (configs {}) as one chain. */
export function run(defs: PluginDefinition[], opts: RunOptions = {}): Promise<RunResult> {
  return runTransaction(chainOf(defs.map((def) => ({ def, config: {} }))), opts);
}

/** Captures what a callback throws (or undefined). */
export function thrown(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}
