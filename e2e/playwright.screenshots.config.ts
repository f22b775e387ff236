import { defineConfig, devices } from "@playwright/test";
import { adminStorageState } from "./support/auth.js";
import { chromiumLaunchOptions } from "./support/chromium.js";
import { adminUrl } from "./support/env.js";

// `npm run screenshots` (scripts/screenshots.mjs): the README's images in docs/, taken from a fresh
// stack with the suite's sign-in setup. Not part of `npm test`.
export default defineConfig({
  outputDir: "./test-results/screenshots",
  globalSetup: "./support/global-setup.ts",
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: { baseURL: adminUrl },
  projects: [
    { name: "setup", testDir: "./tests", testMatch: /auth\.setup\.ts/ },
    {
      name: "screenshots",
      testDir: "./screenshots",
      testMatch: /.*\.shot\.ts/,
      dependencies: ["setup"],
      use: {
        storageState: adminStorageState,
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        colorScheme: "light",
        launchOptions: chromiumLaunchOptions(),
      },
    },
  ],
});
