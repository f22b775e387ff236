import { generateKeyPairSync } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "../fixtures/index.js";
import { EntityFormPage } from "../models/pages/entity-form-page.js";

/**
 * Opens the JWT form's Algorithm list. A click that lands before the page has hydrated opens
 * nothing (seen on a busy CI machine), so the click is repeated until the list is shown.
 */
async function openAlgorithms(page: Page, jwt: Locator): Promise<void> {
  const list = page.getByRole("listbox");
  await expect(async () => {
    // a second click on an open list would close it
    if (!(await list.isVisible())) await jwt.getByRole("textbox", { name: "Algorithm" }).click();
    await expect(list).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

test("a consumer created in the UI with a key-auth credential gets through key-auth", async ({
  page,
  adminApi,
  gateway,
  seed,
  uniqueName,
}) => {
  const { route } = await seed.serviceWithRoute("cred");
  const auth = await adminApi.post("/api/v1/plugins", {
    data: { name: "key-auth", route: { id: route.id } },
  });
  expect(auth.status()).toBe(201);
  await expect.poll(async () => (await gateway.get(route.path)).status()).toBe(401);

  const username = uniqueName("ui-consumer");
  const form = new EntityFormPage(page, "consumer");
  await page.goto("/consumers/new");
  await form.textbox("Username").fill(username);
  await form.create.click();
  await expect(page).toHaveURL(/\/consumers\/[0-9a-f-]{36}$/);
  seed.track(`/api/v1/consumers/${page.url().split("/").pop()}`);

  const keys = page.getByRole("region", { name: "Key-auth credentials" });
  await keys.getByRole("textbox", { name: "Key", exact: true }).fill(`${username}-secret`);
  await keys.getByRole("button", { name: "Add API key" }).click();
  await expect(keys.getByRole("table")).toBeVisible();

  await expect
    .poll(async () =>
      (await gateway.get(route.path, { headers: { apikey: `${username}-secret` } })).status(),
    )
    .toBe(200);
  const answer = await gateway.get(route.path, { headers: { apikey: `${username}-secret` } });
  expect(await answer.text()).toContain(username);
});

test("a service's targets are added with the API's field errors and deleted after a confirmation dialog", async ({
  page,
  seed,
}) => {
  const { service } = await seed.serviceWithRoute("targets");
  await page.goto(`/services/${service.id}`);
  const targets = page.getByRole("region", { name: "Targets" });
  await targets.getByRole("textbox", { name: "Target (host:port)" }).fill("not a target!");
  await targets.getByRole("button", { name: "Add target" }).click();
  await expect(targets.locator(".mantine-InputWrapper-error")).not.toHaveCount(0);

  await targets.getByRole("textbox", { name: "Target (host:port)" }).fill("127.0.0.1:9");
  await targets.getByRole("button", { name: "Add target" }).click();
  await expect(targets.getByRole("table")).toContainText("127.0.0.1:9");

  // Delete asks in the console's dialog (not the browser's confirm box); Cancel keeps the target.
  const remove = targets.getByRole("button", { name: /^Delete target/ });
  await remove.click();
  const dialog = page.getByRole("dialog", { name: "Delete this target?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(targets.getByRole("table")).toContainText("127.0.0.1:9");
  await remove.click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(targets.getByRole("table")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("region", { name: "Targets" }).getByRole("table")).toHaveCount(0);
});

test("a key-auth key created empty is generated, shown once with a copy button, and listed by its prefix; JWT and ACL groups are managed on the consumer page", async ({
  page,
  seed,
}) => {
  const consumer = await seed.consumerWithKey("creds");
  await page.goto(`/consumers/${consumer.id}`);
  const keys = page.getByRole("region", { name: "Key-auth credentials" });
  await keys.getByRole("button", { name: "Add API key" }).click();
  const shown = keys.getByLabel("New API key");
  await expect(shown).toHaveText(/^gk_[A-Za-z0-9_-]{43}$/);
  await expect(keys.getByRole("status")).toContainText("shown only once");
  await expect(keys.getByRole("button", { name: "Copy" })).toBeVisible();
  const key = (await shown.textContent()) ?? "";
  await expect(keys.getByRole("table")).toContainText(key.slice(0, 10));
  await expect(keys.getByRole("table")).not.toContainText(key);
  await page.reload();
  await expect(page.getByLabel("New API key")).toHaveCount(0);

  const jwt = page.getByRole("region", { name: "JWT credentials" });
  await jwt.getByRole("textbox", { name: "Key (iss)" }).fill(`${consumer.username}-iss`);
  await openAlgorithms(page, jwt);
  await page.getByRole("option", { name: "HS256", exact: true }).click();
  await jwt.getByLabel("Secret (HS)").fill("a-shared-secret-of-enough-length");
  await jwt.getByRole("button", { name: "Add JWT credential" }).click();
  await expect(jwt.getByRole("table")).toContainText(`${consumer.username}-iss`);
  await expect(jwt.getByRole("table")).toContainText("HS256");
  await expect(jwt.getByRole("table")).not.toContainText("a-shared-secret");

  const acls = page.getByRole("region", { name: "ACL groups" });
  await acls.getByRole("textbox", { name: "Group" }).fill("partners");
  await acls.getByRole("button", { name: "Add ACL group" }).click();
  await expect(acls.getByRole("table")).toContainText("partners");
});

test("a JWT credential with an EdDSA public key is added on the consumer page (Kong 3.9's algorithms listed)", async ({
  page,
  seed,
}) => {
  test.setTimeout(180_000);
  const consumer = await seed.consumerWithKey("jwt-ed");
  await page.goto(`/consumers/${consumer.id}`);
  const jwt = page.getByRole("region", { name: "JWT credentials" });
  const pem = generateKeyPairSync("ed25519")
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
  await jwt.getByRole("textbox", { name: "Key (iss)" }).fill(`${consumer.username}-ed`);
  await openAlgorithms(page, jwt);
  for (const alg of ["HS384", "PS512", "ES512", "EdDSA"])
    await expect(page.getByRole("option", { name: alg, exact: true })).toBeVisible();
  await page.getByRole("option", { name: "EdDSA", exact: true }).click();
  await jwt.getByLabel(/Public key/).fill(pem);
  await jwt.getByRole("button", { name: "Add JWT credential" }).click();
  await expect(jwt.getByRole("table")).toContainText(`${consumer.username}-ed`);
  await expect(jwt.getByRole("table")).toContainText("EdDSA");
});
