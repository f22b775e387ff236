import { randomBytes } from "node:crypto";
import type { Browser } from "@playwright/test";
import { expect, test } from "../fixtures/index.js";
import { LoginPage } from "../models/pages/login-page.js";
import { adminUrl } from "../support/env.js";

/** Signs `username` in in a fresh browser context and returns its page (closed by the caller's context). */
async function signedInAs(browser: Browser, username: string, password: string) {
  const context = await browser.newContext({
    baseURL: adminUrl,
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  await page.goto("/login");
  await new LoginPage(page).signIn(username, password);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Sign in");
  return { context, page };
}

test("an admin adds a viewer in the UI, who signs in without the Users page, then changes the role", async ({
  page,
  browser,
  adminApi,
  seed,
  uniqueName,
}) => {
  const username = uniqueName("user");
  const password = randomBytes(12).toString("hex");

  await page.goto("/users");
  const form = page.getByRole("region", { name: "Add a user" });
  await form.getByRole("textbox", { name: "Username" }).fill(username);
  await form.getByLabel("Password").fill(password);
  // viewer is preselected (picking it again would clear the Select).
  await expect(form.getByRole("textbox", { name: "Role" })).toHaveValue("viewer");
  await form.getByRole("button", { name: "Add user" }).click();

  const users = page.getByRole("table", { name: "Users" });
  const row = users.getByRole("row", { name: new RegExp(username) });
  await expect(row).toBeVisible();
  seed.track(`/api/v1/users/${username}`);
  await expect(row.getByRole("textbox", { name: `Role of ${username}` })).toHaveValue("viewer");
  await expect(page.getByRole("link", { name: "Users" })).toBeVisible();

  // The new user signs in as a viewer: no Users nav item, and /api/v1/auth/me says viewer.
  const viewer = await signedInAs(browser, username, password);
  try {
    await expect(viewer.page.getByLabel("Role: viewer")).toBeVisible();
    await expect(viewer.page.getByRole("link", { name: "Services" })).toBeVisible();
    await expect(viewer.page.getByRole("link", { name: "Users" })).toHaveCount(0);
  } finally {
    await viewer.context.close();
  }

  // Changing the role in the table is saved.
  await row.getByRole("textbox", { name: `Role of ${username}` }).click();
  await page.getByRole("option", { name: "editor", exact: true }).click();
  await expect(row.getByRole("textbox", { name: `Role of ${username}` })).toHaveValue("editor");
  await expect
    .poll(
      async () =>
        ((await (await adminApi.get(`/api/v1/users/${username}`)).json()) as { role: string }).role,
    )
    .toBe("editor");
  await page.reload();
  await expect(
    users
      .getByRole("row", { name: new RegExp(username) })
      .getByRole("textbox", { name: `Role of ${username}` }),
  ).toHaveValue("editor");
});
