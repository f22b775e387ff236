import type { Locator, Page } from "@playwright/test";

/** A plugin's page (`/plugins/<name>`): README, config reference, examples, and the "Enable" flow. */
export class PluginPage {
  readonly enablePanel: Locator;
  readonly enableButton: Locator;
  readonly errors: Locator;
  /** The schema-generated config form (inside the "Enable" panel). */
  readonly form: Locator;

  constructor(readonly page: Page) {
    this.enablePanel = page.getByRole("region", { name: /^Enable / });
    this.form = this.enablePanel;
    this.enableButton = page.getByRole("button", { name: "Enable plugin" });
    this.errors = this.enablePanel.getByRole("alert");
  }

  async goto(name: string): Promise<void> {
    await this.page.goto(`/plugins/${name}`);
  }

  tab(name: string | RegExp): Locator {
    return this.page.getByRole("tab", { name, exact: typeof name === "string" });
  }

  /** Opens "Enable" and picks the scope (and, unless global, the entity by name). */
  async startEnable(scope: "Global" | "Service" | "Route" | "Consumer", entity?: string) {
    await this.tab("Enable").click();
    await this.enablePanel.getByRole("radio", { name: scope, exact: true }).check();
    if (entity) {
      await this.enablePanel.getByRole("textbox", { name: scope, exact: true }).click();
      await this.page.getByRole("option", { name: entity, exact: true }).click();
    }
  }

  /** A field of the schema-generated config form. */
  field(label: string): Locator {
    return this.enablePanel.getByRole("textbox", { name: label, exact: true });
  }

  /** The error shown under a field of the config form. */
  fieldError(label: string): Locator {
    return this.enablePanel
      .locator(".mantine-InputWrapper-root")
      .filter({ has: this.page.getByRole("textbox", { name: label, exact: true }) })
      .locator(".mantine-InputWrapper-error");
  }

  /** Switches to the raw JSON editor and replaces the config with `config`. */
  async setRawConfig(config: unknown): Promise<void> {
    await this.enablePanel.getByRole("switch", { name: "Edit as raw JSON" }).check({ force: true });
    await this.enablePanel
      .getByRole("textbox", { name: "Configuration (JSON)" })
      .fill(JSON.stringify(config, null, 2));
  }
}
