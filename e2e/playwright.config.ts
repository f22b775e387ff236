import { defineConfig, devices } from "@playwright/test";
import { adminStorageState } from "./support/auth.js";
import { chromiumLaunchOptions } from "./support/chromium.js";
import { adminUrl } from "./support/env.js";

// The stack (admin, gateway, seeded database) is started by `npm test` before Playwright runs, and its URLs
// are passed in GATEHOUSE_ADMIN_URL / GATEHOUSE_PROXY_URL: no `webServer` here.
export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  globalSetup: "./support/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "./playwright-report" }]],
  use: {
    baseURL: adminUrl,
    screenshot: "only-on-failure",
    // A failed test keeps its trace (DOM snapshot per action, sources, network) and its screenshot;
    // no screencast in the trace: capturing and encoding frames of every page during every test costs
    // CPU the suite does not have on a 2-core CI machine, and the failure screenshot shows the end state.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true },
  },
  projects: [
    // One saved login per role (the editor and viewer are created through the API).
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    {
      name: "chromium",
      dependencies: ["setup"],
      use: {
        // Signed in as the seeded admin; tests of other roles or of signing in override this.
        storageState: adminStorageState,
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        launchOptions: chromiumLaunchOptions(),
      },
    },
  ],
});
