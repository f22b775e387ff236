import type { Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";

/**
 * Derives, from a plugin's config JSON Schema alone (the catalog's), a value for every field and fills
 * it into the admin's generated form through its controls. Nothing here knows a plugin: values come
 * from the field's type, enum, bounds, default and `examples`; fields that exclude each other
 * (`exclusiveWith`) are filled in a second pass.
 */

export type Schema = {
  type?: string | string[];
  title?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: unknown;
  anyOf?: Schema[];
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  uniqueItems?: boolean;
  deprecated?: boolean;
  contentMediaType?: string;
  secret?: boolean;
  writeOnly?: boolean;
  exclusiveWith?: string[];
  $ref?: string;
};

const isNull = (s: Schema) => s.type === "null";

/** `anyOf [T, null]` / `type: [T, "null"]` → T (outer annotations kept). */
export function unwrap(s: Schema): Schema {
  if (s.anyOf?.length === 2 && s.anyOf.some(isNull)) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { anyOf, ...outer } = s;
    return { ...(s.anyOf.find((a) => !isNull(a)) as Schema), ...outer };
  }
  if (Array.isArray(s.type)) {
    const rest = s.type.filter((t) => t !== "null");
    return { ...s, type: rest.length === 1 ? rest[0] : rest };
  }
  return s;
}

type Kind =
  | "object"
  | "record"
  | "objectList"
  | "stringList"
  | "enumSet"
  | "enumList"
  | "enum"
  | "boolean"
  | "number"
  | "text"
  | "json";

export function kindOf(s: Schema): Kind {
  if (s.$ref) return "json";
  if (s.enum) return "enum";
  if (s.type === "object") return s.properties ? "object" : "record";
  if (s.type === "array") {
    const items = unwrap(s.items ?? {});
    if (items.enum) return s.uniqueItems ? "enumSet" : "enumList";
    if (items.type === "string") return "stringList";
    return "objectList";
  }
  if (s.type === "boolean") return "boolean";
  if (s.type === "number" || s.type === "integer") return "number";
  if (s.type === "string") return "text";
  return "json";
}

/** A value for a leaf field, from its schema only. */
export function valueFor(s: Schema): unknown {
  const kind = kindOf(s);
  const example = s.examples?.[0];
  if (example !== undefined) return example;
  switch (kind) {
    case "enum": {
      const other = (s.enum ?? []).find((v) => v !== s.default);
      return other ?? s.enum?.[0];
    }
    case "boolean":
      return s.default !== true;
    case "number": {
      const integer = s.type === "integer";
      const def = typeof s.default === "number" ? s.default : undefined;
      const lo = s.minimum ?? s.exclusiveMinimum ?? 0;
      let v = def === undefined || def === 0 ? lo + 1 : integer ? def + 1 : def * 2;
      if (s.maximum !== undefined && v > s.maximum) v = (def ?? s.maximum) - 1;
      return v;
    }
    case "text":
      return typeof s.default === "string" ? `${s.default}-e2e` : "e2e-value";
    case "stringList":
      return ["e2e-value"];
    case "enumSet": {
      const choices = unwrap(s.items ?? {}).enum ?? [];
      return choices.slice(0, 2);
    }
    case "enumList": {
      const choices = unwrap(s.items ?? {}).enum ?? [];
      return [choices[choices.length - 1]];
    }
    case "record":
      return { "e2e-key": "e2e-value" };
    case "json":
      return "e2e-value";
    default:
      return undefined;
  }
}

export interface Plan {
  /** The config the form should save: every filled field, plus the defaults of the others. */
  expected: Record<string, unknown>;
  /** Top-level-or-nested fields skipped because an exclusive partner was filled (for a next pass). */
  skipped: string[];
  fill: (form: Locator) => Promise<void>;
}

const idOf = (path: (string | number)[]) => ["config", ...path].join("_");

/** Defaults of an object schema (recursively), as the admin stores them when a field is left alone. */
function defaultsOf(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(s.properties ?? {})) {
    const child = unwrap(raw);
    if (child.default !== undefined) out[k] = structuredClone(child.default);
    if (child.properties && child.default !== undefined) {
      out[k] = { ...defaultsOf(child), ...(child.default as object) };
    }
  }
  return out;
}

/**
 * Plans one pass over an object schema: `only` (dotted paths) limits the pass to those fields (and what
 * contains them); exclusive partners of a filled field are skipped and reported.
 */
export function plan(root: Schema, only?: Set<string>): Plan {
  const skipped: string[] = [];
  const steps: ((form: Locator) => Promise<void>)[] = [];

  function walkObject(s: Schema, path: (string | number)[], out: Record<string, unknown>) {
    const filledHere = new Set<string>();
    for (const [key, raw] of Object.entries(s.properties ?? {})) {
      const child = unwrap(raw);
      if (child.deprecated) continue;
      const fieldPath = [...path, key];
      const dotted = fieldPath.filter((p) => typeof p === "string").join(".");
      const kind = kindOf(child);
      const inScope = !only || [...only].some((o) => o === dotted || o.startsWith(`${dotted}.`));
      if (!inScope) continue;
      if ((child.exclusiveWith ?? []).some((o) => filledHere.has(o))) {
        skipped.push(dotted);
        continue;
      }
      filledHere.add(key);
      if (kind === "object") {
        const nested: Record<string, unknown> = { ...defaultsOf(child) };
        out[key] = nested;
        walkObject(child, fieldPath, nested);
        continue;
      }
      if (kind === "objectList") {
        const item: Record<string, unknown> = { ...defaultsOf(unwrap(child.items ?? {})) };
        out[key] = [item];
        const listId = idOf(fieldPath);
        steps.push(async (form) => {
          const first = form.locator(`[id="${listId}_0"]`);
          if ((await first.count()) === 0) await form.locator(`[id="${listId}__add"]`).click();
          await expect(first).toBeVisible();
        });
        walkObject(unwrap(child.items ?? {}), [...fieldPath, 0], item);
        continue;
      }
      const value = valueFor(child);
      out[key] = value;
      steps.push((form) => fillField(form, fieldPath, child, kind, value));
    }
  }

  const expected: Record<string, unknown> = defaultsOf(root);
  walkObject(root, [], expected);
  return {
    expected,
    skipped,
    fill: async (form) => {
      for (const step of steps) await step(form);
    },
  };
}

async function fillField(
  form: Locator,
  path: (string | number)[],
  s: Schema,
  kind: Kind,
  value: unknown,
): Promise<void> {
  const id = idOf(path);
  const page: Page = form.page();
  const byId = form.locator(`[id="${id}"]`);
  const title = String(s.title);
  switch (kind) {
    case "boolean": {
      await expect(byId).toHaveAccessibleName(title);
      await byId.setChecked(value as boolean);
      return;
    }
    case "number":
    case "text": {
      await expect(byId).toHaveAccessibleName(title);
      await byId.fill(String(value));
      return;
    }
    case "enum": {
      await expect(byId).toHaveAccessibleName(title);
      await byId.click();
      await page.getByRole("option", { name: String(value), exact: true }).click();
      await expect(byId).toHaveValue(String(value));
      return;
    }
    case "stringList":
    case "enumList": {
      await expect(byId).toHaveAccessibleName(title);
      // Replace the defaults: Backspace in the empty input removes the last tag.
      const pills = byId
        .locator("xpath=ancestor::*[contains(@class,'mantine-TagsInput-wrapper')][1]")
        .locator(".mantine-Pill-root");
      for (let n = await pills.count(); n > 0; n = await pills.count()) {
        await byId.press("Backspace");
        await expect(pills).toHaveCount(n - 1);
      }
      for (const v of value as string[]) {
        await byId.fill(String(v));
        await byId.press("Enter");
      }
      return;
    }
    case "enumSet": {
      for (const choice of unwrap(s.items ?? {}).enum ?? []) {
        const box = form.locator(`[id="${id}__${String(choice)}"]`);
        await expect(box).toHaveAccessibleName(String(choice));
        await box.setChecked((value as unknown[]).includes(choice));
      }
      return;
    }
    case "record": {
      await expect(byId).toContainText(title);
      const entries = Object.entries(value as Record<string, string>);
      for (const [i, [k, v]] of entries.entries()) {
        if ((await form.locator(`[id="${id}__key_${i}"]`).count()) === 0) {
          await form.locator(`[id="${id}__add"]`).click();
        }
        await form.locator(`[id="${id}__key_${i}"]`).fill(k);
        await form.locator(`[id="${id}__value_${i}"]`).fill(v);
      }
      return;
    }
    case "json": {
      await expect(byId).toHaveAccessibleName(title);
      const text = typeof value === "string";
      await form
        .getByRole("radiogroup", { name: `${title}: format` })
        .getByText(text ? "Text" : "JSON", { exact: true })
        .click();
      await byId.fill(text ? (value as string) : JSON.stringify(value));
      return;
    }
    default:
      throw new Error(`cannot fill ${id} (${kind})`);
  }
}
