import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures/index.js";
import { LoginPage } from "../models/pages/login-page.js";
import { adminCredentials } from "../support/auth.js";
import { adminUrl, proxyUrl } from "../support/env.js";

const adminOrigin = new URL(adminUrl).origin;

test.describe("open redirect after sign-in", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  // The gateway is another origin that really answers: a redirect there would land.
  const otherHost = new URL(proxyUrl).host;
  for (const [name, control] of [
    ["tab", "%09"],
    ["newline", "%0A"],
  ] as const) {
    test(`next=/${control}/<another host> (${name}) stays on the admin`, async ({ page }) => {
      await page.goto(`/login?next=/${control}/${otherHost}/x`);
      const { username, password } = adminCredentials();
      await new LoginPage(page).signIn(username, password);
      await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(adminOrigin);
      expect(new URL(page.url()).pathname).toBe("/dashboard");
    });
  }
});

test("another site cannot frame the admin (clickjacking)", async ({ page }) => {
  // A page on another origin (a server of the test's own, on loopback: Chromium keeps public
  // pages from framing loopback addresses anyway, which would hide what the admin's headers do)
  // framing the admin, and as the control the gateway's demo route, which may be framed. The
  // title says when both frames have finished loading.
  const html = `<!doctype html><title>loading</title><h1>Win a prize</h1>
    <iframe title="admin" src="${adminUrl}/services"></iframe>
    <iframe title="control" src="${proxyUrl}/hello"></iframe>
    <script>
      let loaded = 0;
      for (const frame of document.querySelectorAll("iframe")) {
        frame.addEventListener("load", () => {
          if (++loaded === 2) document.title = "frames loaded";
        });
      }
    </script>`;
  const framer = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html),
  );
  await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
  try {
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
    await expect(page).toHaveTitle("frames loaded");
    await expect(page.frameLocator('iframe[title="control"]').locator("body")).toContainText(
      "Hello from Gatehouse",
    );
    const admin = page.frameLocator('iframe[title="admin"]');
    await expect(admin.getByRole("heading", { name: "Sign in" })).toHaveCount(0);
    await expect(admin.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await expect(admin.getByRole("button")).toHaveCount(0);
  } finally {
    await new Promise((resolve) => framer.close(resolve));
  }
});

/** Records every Content-Security-Policy violation of the page (init scripts bypass the CSP). */
async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      w.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return () =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

test("every console page renders under the CSP with no violation and Mantine's styles applied", async ({
  page,
  consoleErrors,
}) => {
  const violations = await recordCspViolations(page);
  const pages: [string, string][] = [
    ["/dashboard", "Dashboard"],
    ["/services", "Services"],
    ["/routes", "Routes"],
    ["/consumers", "Consumers"],
    ["/plugins", "Plugin marketplace"],
    ["/simulator", "Request simulator"],
    ["/data-planes", "Data planes"],
    ["/config", "Config history"],
    ["/audit", "Audit log"],
    ["/users", "Users"],
    ["/tokens", "API tokens"],
    ["/settings", "Settings"],
    ["/account", "Your account"],
    ["/api-reference", "Gatehouse admin API"],
  ];
  for (const [path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    // React hydrated (the theme toggle is interactive) and Mantine's CSS variables are set
    await expect(page.getByRole("button", { name: /Switch to (dark|light) theme/ })).toBeEnabled();
    const body = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--mantine-color-body"),
    );
    expect(body.trim(), `${path}: --mantine-color-body`).not.toBe("");
    expect(await violations(), path).toEqual([]);
  }
  expect(consoleErrors).toEqual([]);
});
