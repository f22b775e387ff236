import type { Locator, Page } from "@playwright/test";

/** A create / edit page of one entity (schema-generated form), with delete and the stale-edit choice. */
export class EntityFormPage {
  readonly alert: Locator;
  readonly staleAlert: Locator;
  readonly reload: Locator;
  readonly dialog: Locator;

  constructor(
    readonly page: Page,
    readonly noun: string,
  ) {
    this.alert = page.getByRole("main").getByRole("alert");
    this.staleAlert = page.getByRole("alert").filter({ hasText: "Changed by someone else" });
    this.reload = page.getByRole("button", { name: "Reload" });
    this.dialog = page.getByRole("dialog");
  }

  textbox(label: string): Locator {
    return this.page.getByRole("main").getByRole("textbox", { name: label, exact: true });
  }

  /** A schema-form field's container (label, input and its error message). */
  fieldError(label: string): Locator {
    return this.page
      .getByRole("main")
      .locator(".mantine-InputWrapper-root")
      .filter({ has: this.page.getByRole("textbox", { name: label, exact: true }) })
      .locator(".mantine-InputWrapper-error");
  }

  /** Types each value into a tags-like list field, pressing Enter after each. */
  async addListValues(label: string, values: string[]): Promise<void> {
    const box = this.textbox(label);
    for (const value of values) {
      await box.fill(value);
      await box.press("Enter");
    }
  }

  async choose(label: string, option: string): Promise<void> {
    await this.page.getByRole("main").getByRole("textbox", { name: label }).click();
    await this.page.getByRole("option", { name: option, exact: true }).click();
  }

  get create(): Locator {
    return this.page.getByRole("button", { name: `Create ${this.noun}` });
  }

  get save(): Locator {
    return this.page.getByRole("button", { name: `Save ${this.noun}` });
  }

  get delete(): Locator {
    return this.page.getByRole("button", { name: `Delete ${this.noun}` });
  }

  async confirmDelete(): Promise<void> {
    await this.delete.click();
    await this.dialog.getByRole("button", { name: "Delete" }).click();
  }
}
