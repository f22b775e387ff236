import { defineConfig, devices } from "@playwright/test";
import { adminStorageState } from "./support/auth.js";
import { chromiumLaunchOptions } from "./support/chromium.js";
import { adminUrl } from "./support/env.js";

/**
 * Specs that change state every test shares, or count what every test creates: the upstream deny
 * list and simulator settings (settings), whole-config rollbacks and version-to-version diffs
 * (config-history, console-habits), dashboard counts (data-planes), sign-in attempts that the login
 * throttle counts per address and sign-outs (login, security, passwords, users, shell).
 */
const sharedState =
  /(settings|config-history|console-habits|data-planes|login|security|passwords|users|shell)\.spec\.ts$/;

const browser = {
  // Signed in as the seeded admin; tests of other roles or of signing in override this.
  storageState: adminStorageState,
  ...devices["Desktop Chrome"],
  viewport: { width: 1440, height: 900 },
  launchOptions: chromiumLaunchOptions(),
};

// The stack (admin, gateway, seeded database) is started by `npm test` before Playwright runs, and its URLs
// are passed in GATEHOUSE_ADMIN_URL / GATEHOUSE_PROXY_URL: no `webServer` here.
//
// Two browsers at once for the specs that only touch entities of their own (unique names): project
// "chromium"; the specs that change what every test shares run one at a time, never beside another
// test: project "shared-state". `npm test` runs them as two Playwright runs, one after the other
// (runPlaywright in scripts/lib/e2e-stack.mjs), so a failure in the first never skips the second;
// a plain `playwright test` runs shared-state after chromium through the dependency below (there a
// failure in chromium skips shared-state). A shared-state spec alone, once `setup` has saved the
// sessions: `playwright test --project=shared-state --no-deps tests/<spec>`.
export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  globalSetup: "./support/global-setup.ts",
  fullyParallel: false,
  workers: 2,
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
      testIgnore: sharedState,
      use: browser,
    },
    {
      name: "shared-state",
      dependencies: ["chromium"],
      testMatch: sharedState,
      workers: 1,
      // its own folder: its run (see above) clears it, and must not clear chromium's failures
      outputDir: "./test-results/shared-state",
      use: browser,
    },
  ],
});
