// Issue 13, "Users": change your own password; an admin resets another user's.
import { randomBytes } from "node:crypto";
import type { Browser } from "@playwright/test";
import { expect, test } from "../fixtures/index.js";
import { LoginPage } from "../models/pages/login-page.js";
import { adminUrl } from "../support/env.js";

async function signIn(browser: Browser, username: string, password: string) {
  const context = await browser.newContext({
    baseURL: adminUrl,
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  await page.goto("/login?next=%2Faccount");
  await new LoginPage(page).signIn(username, password);
  return { context, page };
}

async function canSignIn(browser: Browser, username: string, password: string) {
  const context = await browser.newContext({ baseURL: adminUrl });
  const r = await context.request.post("/api/v1/auth/login", {
    data: { username, password },
    headers: { origin: adminUrl },
  });
  await context.close();
  return r.status();
}

test("a viewer changes their own password on Your account; the old one stops working", async ({
  browser,
  adminApi,
  uniqueName,
}) => {
  const username = uniqueName("pw");
  const old = randomBytes(12).toString("hex");
  const next = randomBytes(12).toString("hex");
  expect(
    (
      await adminApi.post("/api/v1/users", { data: { username, password: old, role: "viewer" } })
    ).status(),
  ).toBe(201);
  try {
    const { context, page } = await signIn(browser, username, old);
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible({
      timeout: 30_000,
    });
    const form = page.getByRole("region", { name: "Change your password" });
    // a wrong current password is shown on its field
    await form.getByLabel(/^Current password/).fill("not-the-password");
    await form.getByLabel(/^New password/).fill(next);
    await form.getByLabel(/^Repeat the new password/).fill(next);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form).toContainText("is not your current password");

    await form.getByLabel(/^Current password/).fill(old);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed.")).toBeVisible();
    await expect(form.getByLabel(/^Current password/)).toHaveValue("");
    await context.close();

    expect(await canSignIn(browser, username, old)).toBe(401);
    expect(await canSignIn(browser, username, next)).toBe(200);
  } finally {
    await adminApi.delete(`/api/v1/users/${username}`);
  }
});

test("an admin resets another user's password from the Users page", async ({
  page,
  browser,
  adminApi,
  uniqueName,
}) => {
  const username = uniqueName("reset");
  const old = randomBytes(12).toString("hex");
  const next = randomBytes(12).toString("hex");
  expect(
    (
      await adminApi.post("/api/v1/users", { data: { username, password: old, role: "editor" } })
    ).status(),
  ).toBe(201);
  try {
    await page.goto("/users");
    await page.getByRole("button", { name: `Reset password of ${username}` }).click();
    const dialog = page.getByRole("dialog", { name: `Reset the password of ${username}` });
    await dialog.getByLabel(/^New password/).fill("short");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect(dialog).toContainText("must be at least 12 characters");
    await dialog.getByLabel(/^New password/).fill(next);
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect(dialog).toBeHidden();
    expect(await canSignIn(browser, username, old)).toBe(401);
    expect(await canSignIn(browser, username, next)).toBe(200);
  } finally {
    await adminApi.delete(`/api/v1/users/${username}`);
  }
});
