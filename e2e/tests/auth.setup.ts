import { expect, request, test as setup } from "@playwright/test";
import type { Role } from "../support/auth.js";
import { adminCredentials, roleCredentials, saveSession, storageStateOf } from "../support/auth.js";
import { adminUrl } from "../support/env.js";

setup("sign in as the seeded admin", async () => {
  await saveSession("admin", adminCredentials());
});

for (const role of ["editor", "viewer"] as const satisfies Role[]) {
  setup(`create the ${role} through the API and sign in`, async () => {
    await saveSession("admin", adminCredentials());
    const api = await request.newContext({
      baseURL: adminUrl,
      storageState: storageStateOf("admin"),
      extraHTTPHeaders: { origin: adminUrl },
    });
    try {
      const { username, password } = roleCredentials(role);
      const created = await api.post("/api/v1/users", { data: { username, password, role } });
      // A second run against the same stack finds the user: make sure of its role and password.
      if (created.status() === 409) {
        const updated = await api.patch(`/api/v1/users/${username}`, { data: { password, role } });
        expect(updated.status(), await updated.text()).toBe(200);
      } else {
        expect(created.status(), await created.text()).toBe(201);
      }
      await saveSession(role, { username, password });
    } finally {
      await api.dispose();
    }
  });
}
