import { expect, test } from "../fixtures/index.js";
import { LoginPage } from "../models/pages/login-page.js";
import { adminCredentials } from "../support/auth.js";

// These tests start signed out.
test.use({ storageState: { cookies: [], origins: [] } });

test("an anonymous visitor is sent to the sign-in page and comes back after signing in", async ({
  page,
}) => {
  await page.goto("/services");
  const login = new LoginPage(page);
  await expect(login.heading).toBeVisible();
  await expect(page).toHaveURL(/\/login\?next=%2Fservices$/);

  const { username, password } = adminCredentials();
  await login.signIn(username, password);

  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
});

test("a wrong password shows an error and stays on the sign-in page", async ({ page }) => {
  await page.goto("/login");
  const login = new LoginPage(page);
  await login.signIn(adminCredentials().username, "definitely-not-the-password");

  await expect(login.error).toHaveText("wrong username or password");
  await expect(page).toHaveURL(/\/login/);
});
