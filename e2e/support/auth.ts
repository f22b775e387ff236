import { request } from "@playwright/test";
import { adminUrl } from "./env.js";

/** Where the signed-in admin's session is saved for the tests (git-ignored). */
export const adminStorageState = new URL("../.auth/admin.json", import.meta.url).pathname;

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

/** Signs in once through the API and saves the session cookie for every test. */
export async function saveAdminSession(): Promise<void> {
  const context = await request.newContext({ baseURL: adminUrl });
  try {
    const response = await context.post("/api/v1/auth/login", { data: adminCredentials() });
    if (!response.ok()) {
      throw new Error(
        `Signing in as ${adminCredentials().username} failed: ${response.status()} ${await response.text()}`,
      );
    }
    await context.storageState({ path: adminStorageState });
  } finally {
    await context.dispose();
  }
}
