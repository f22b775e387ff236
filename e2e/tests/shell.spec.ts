import { expect, test } from "../fixtures/index.js";
import { LoginPage } from "../models/pages/login-page.js";
import { adminCredentials } from "../support/auth.js";

test("the theme toggle switches between light and dark and is remembered", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/dashboard");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-mantine-color-scheme", "light");

  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(html).toHaveAttribute("data-mantine-color-scheme", "dark");
  await page.reload();
  await expect(html).toHaveAttribute("data-mantine-color-scheme", "dark");

  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(html).toHaveAttribute("data-mantine-color-scheme", "light");
});

test("the keyboard reaches the skip link first and the navigation marks the current page", async ({
  page,
}) => {
  await page.goto("/routes");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Routes" }),
  ).toHaveAttribute("aria-current", "page");
});

test.describe("signing out", () => {
  // A session of its own: signing out must not end the suite's saved admin session.
  test.use({ storageState: { cookies: [], origins: [] } });

  test("signing out ends the session and pages ask to sign in again", async ({ page }) => {
    await page.goto("/login?next=%2Fdashboard");
    const { username, password } = adminCredentials();
    await new LoginPage(page).signIn(username, password);
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await expect(page.getByLabel("Signed in as")).toHaveText(username);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/services");
    await expect(page).toHaveURL(/\/login\?next=%2Fservices$/);
  });
});
