import { join } from "node:path";
import { request } from "@playwright/test";
import { adminUrl } from "./env.js";

export type Role = "admin" | "editor" | "viewer";

/**
 * Where each role's signed-in session is saved for the tests: e2e/.auth (git-ignored), or
 * GATEHOUSE_E2E_AUTH_DIR (`npm run screenshots` signs in to a stack of its own there).
 */
export function storageStateOf(role: Role): string {
  const dir = process.env.GATEHOUSE_E2E_AUTH_DIR;
  return dir
    ? join(dir, `${role}.json`)
    : new URL(`../.auth/${role}.json`, import.meta.url).pathname;
}

/** The admin's session (the default of every test). */
export const adminStorageState = storageStateOf("admin");

/** The first admin's credentials: `npm test` passes the seeded ones. */
export function adminCredentials(): { username: string; password: string } {
  const username = process.env.GATEHOUSE_ADMIN_USER;
  const password = process.env.GATEHOUSE_ADMIN_PASSWORD;
  if (!username || !password) {
    throw new Error(
      "GATEHOUSE_ADMIN_USER and GATEHOUSE_ADMIN_PASSWORD must name an admin of the stack under test " +
        "(`npm test` sets them from the seed).",
    );
  }
  return { username, password };
}

/** The editor and viewer the setup project creates through the API (per stack, not per worker). */
export function roleCredentials(role: Exclude<Role, "admin">): {
  username: string;
  password: string;
} {
  return { username: `e2e-${role}`, password: `e2e-${role}-password-1` };
}

/** Signs in through the API and saves the session cookie for the tests of that role. */
export async function saveSession(
  role: Role,
  credentials: { username: string; password: string },
): Promise<void> {
  const context = await request.newContext({ baseURL: adminUrl });
  try {
    const response = await context.post("/api/v1/auth/login", { data: credentials });
    if (!response.ok()) {
      throw new Error(
        `Signing in as ${credentials.username} (${role}) failed: ${response.status()} ${await response.text()}`,
      );
    }
    await context.storageState({ path: storageStateOf(role) });
  } finally {
    await context.dispose();
  }
}
