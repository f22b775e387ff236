import { existsSync } from "node:fs";
import { chromium, type LaunchOptions } from "@playwright/test";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export const NO_CHROMIUM_MESSAGE =
  "No Chromium found: install Debian's chromium (`apt-get install -y chromium`) " +
  "or run `npx playwright install chromium`";

// Flags for a headless browser on a CI box or a container: no sandbox (root), nothing fetched from the internet.
const DEBIAN_CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Which Chromium the suite drives: Debian's when installed, else Playwright's own download, else a clear
 * error naming what to install.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  if (existsSync(DEBIAN_CHROMIUM)) {
    return { executablePath: DEBIAN_CHROMIUM, args: DEBIAN_CHROMIUM_ARGS };
  }
  if (existsSync(chromium.executablePath())) {
    return {};
  }
  throw new Error(NO_CHROMIUM_MESSAGE);
}
