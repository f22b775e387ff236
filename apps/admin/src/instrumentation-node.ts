import { PHASE_PRODUCTION_BUILD } from "next/constants";
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
