import type { Locator, Page } from "@playwright/test";

/** A list page of services, routes or consumers: search, tag filter, pagination, table. */
export class EntityListPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly search: Locator;
  readonly tagFilter: Locator;
  readonly nextPage: Locator;
  readonly previousPage: Locator;

  constructor(
    readonly page: Page,
    readonly path: string,
    title: string,
  ) {
    this.heading = page.getByRole("heading", { level: 1, name: title });
    this.table = page.getByRole("main").getByRole("table");
    this.search = page.getByRole("textbox", { name: "Search by name" });
    this.tagFilter = page.getByRole("textbox", { name: "Filter by tags" });
    this.nextPage = page.getByRole("button", { name: "Next page" });
    this.previousPage = page.getByRole("button", { name: "Previous page" });
  }

  async goto(): Promise<void> {
    await this.page.goto(this.path);
  }

  /** The "New …" button (only for editors and admins). */
  newButton(noun: string): Locator {
    return this.page.getByRole("link", { name: `New ${noun}` });
  }

  /** The table row whose row header (the name) is exactly `name`. */
  row(name: string): Locator {
    return this.table
      .getByRole("row")
      .filter({ has: this.page.getByRole("rowheader", { name, exact: true }) });
  }

  rows(): Locator {
    return this.table.getByRole("rowheader");
  }
}
