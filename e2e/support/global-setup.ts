import { adminUrl } from "./env.js";

/**
 * Fails fast, with the reason, when the admin under test is not up (the suite does not start it).
 * Signing in (one saved session per role) is the `setup` project (tests/auth.setup.ts).
 */
export default async function globalSetup(): Promise<void> {
  const healthUrl = new URL("/api/health", adminUrl).toString();
  let response: Response;
  try {
    response = await fetch(healthUrl, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The admin is not reachable at ${adminUrl} (${reason}). Start the stack first ` +
        "(`npm test` does it), or point GATEHOUSE_ADMIN_URL at a running admin.",
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new Error(
      `The admin at ${adminUrl} is not healthy: GET /api/health answered ${response.status}.`,
    );
  }
}
