import type { Locator, Page } from "@playwright/test";

/** The plugin marketplace (`/plugins`). */
export class MarketplacePage {
  readonly heading: Locator;
  readonly search: Locator;
  readonly cards: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "Plugin marketplace" });
    this.search = page.getByRole("textbox", { name: "Search plugins" });
    this.cards = page.getByRole("list", { name: "Plugins" }).getByRole("listitem");
  }

  async goto(): Promise<void> {
    await this.page.goto("/plugins");
  }

  card(title: string): Locator {
    return this.page.getByRole("listitem", { name: title, exact: true });
  }

  category(name: string): Locator {
    return this.page.getByRole("group", { name: "Categories" }).getByText(name, { exact: true });
  }
}
