import type { Locator, Page } from "@playwright/test";
import { EntityListPage } from "./entity-list-page.js";

/** The services list (`/services`). */
export class ServicesPage extends EntityListPage {
  constructor(page: Page) {
    super(page, "/services", "Services");
  }

  /** The upstream URL cell of the service's row. */
  upstreamUrl(name: string): Locator {
    return this.row(name).getByRole("cell").nth(0);
  }
}
