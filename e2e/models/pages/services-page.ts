import type { Locator, Page } from "@playwright/test";

/** The services list (`/services`). */
export class ServicesPage {
  readonly heading: Locator;
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "Services" });
    this.table = page.getByRole("main").getByRole("table");
  }

  async goto(): Promise<void> {
    await this.page.goto("/services");
  }

  /** The table row whose row header (the service name) is exactly `name`. */
  row(name: string): Locator {
    return this.table
      .getByRole("row")
      .filter({ has: this.page.getByRole("rowheader", { name, exact: true }) });
  }

  /** The upstream URL cell of the service's row. */
  upstreamUrl(name: string): Locator {
    return this.row(name).getByRole("cell").nth(0);
  }

  /** The routes-count cell of the service's row. */
  routeCount(name: string): Locator {
    return this.row(name).getByRole("cell").nth(1);
  }
}
