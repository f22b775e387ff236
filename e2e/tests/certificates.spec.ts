import { request } from "node:https";
import type { TLSSocket } from "node:tls";
import { makeCertificate } from "@gatehouse/config/testing";
import { expect, test } from "../fixtures/index.js";
import { proxyTlsUrl } from "../support/env.js";

/** One HTTPS request to the data plane's TLS listener, trusting only `ca`, with `servername` as SNI. */
function httpsGet(
  path: string,
  servername: string,
  ca: string,
): Promise<{ status: number; subject: string }> {
  const url = new URL(path, proxyTlsUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { servername, ca, headers: { host: servername }, agent: false },
      (res) => {
        const subject = String((res.socket as TLSSocket).getPeerCertificate().subject.CN);
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, subject }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("a certificate uploaded in the UI with an SNI is what the data plane presents over https", async ({
  page,
  seed,
  uniqueName,
}) => {
  test.slow(); // a create, an SNI and the push to the data plane on a loaded machine
  const { route } = await seed.serviceWithRoute("tls");
  const host = `${uniqueName("tls")}.e2e.test`;
  const pair = makeCertificate({ cn: host, sans: [host], days: 10 });

  await page.goto("/certificates/new");
  await page.getByRole("textbox", { name: "Certificate (PEM)" }).fill(pair.cert);
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Upload Private key (PEM)" }).click();
  await (
    await chooser
  ).setFiles({ name: "key.pem", mimeType: "text/plain", buffer: Buffer.from(pair.key) });
  await expect(page.getByRole("textbox", { name: "Private key (PEM)" })).toHaveValue(
    /BEGIN PRIVATE KEY/,
  );
  await page.getByRole("button", { name: "Create certificate" }).click();
  await expect(page).toHaveURL(/\/certificates\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  seed.track(`/api/v1/certificates/${page.url().split("/").pop()}`);
  const details = page.getByRole("table", { name: "Certificate details" });
  await expect(details).toContainText(`CN=${host}`);
  await expect(details).toContainText("Expires in");
  // the key is never shown again
  await expect(page.getByRole("textbox", { name: "Private key (PEM)" })).toHaveValue("");

  const snis = page.getByRole("region", { name: "SNIs" });
  await snis.getByRole("textbox", { name: "Server name" }).fill(host);
  await snis.getByRole("button", { name: "Add SNI" }).click();
  await expect(snis.getByRole("table")).toContainText(host);

  await page.goto("/certificates");
  const row = page.getByRole("row").filter({ hasText: `CN=${host}` });
  await expect(row).toContainText("Expires in");

  // the data plane got the change: it presents this certificate for the name, and proxies
  await expect
    .poll(async () => httpsGet(route.path, host, pair.cert).catch((e: Error) => e.message), {
      timeout: 20_000,
    })
    .toEqual({ status: 200, subject: host });
});
