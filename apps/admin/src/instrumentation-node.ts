import { PHASE_PRODUCTION_BUILD } from "next/constants";
import type * as Plugins from "@gatehouse/plugins";
import { env, EnvError } from "./env";

/** Refuses to start the server with an invalid environment, printing every reason. */
export function checkEnvironmentAtStart(): void {
  if (process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD) return;
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}

/**
 * Loads GATEHOUSE_PLUGINS (built-ins, names, third-party packages, like the data plane's setting) so
 * the marketplace lists and the API validates exactly the plugins the data planes run. A bad entry
 * stops the server with the reason.
 */
export async function loadPluginsAtStart(): Promise<void> {
  if (process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD) return;
  // Node's own import (not bundled into instrumentation): the route handlers read the same module
  // instance (serverExternalPackages), so they see what is loaded here.
  const { loadConfiguredPlugins } = (await import(
    /* webpackIgnore: true */ /* turbopackIgnore: true */ "@gatehouse/plugins"
  )) as typeof Plugins;
  try {
    await loadConfiguredPlugins(env().GATEHOUSE_PLUGINS || "bundled");
  } catch (error) {
    console.error(`\nGATEHOUSE_PLUGINS: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

/**
 * Checks GATEHOUSE_KEY_HASH_SECRET opens the secrets stored encrypted (a clear reason and exit
 * otherwise, never a 500 per request later) and seals what an older admin stored in clear.
 */
export async function sealSecretsAtStart(): Promise<void> {
  if (process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD) return;
  const { sealSecretsAtStart: seal, SecretKeyError } =
    await import("./server/secrets/seal-at-start");
  const settings = env();
  try {
    await seal(settings.DATABASE_URL, settings.GATEHOUSE_KEY_HASH_SECRET);
  } catch (error) {
    if (!(error instanceof SecretKeyError)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
