// Runs in the setup project, before any test changes the configuration: the stack as `npm start`
// leaves it must serve the seeded demo — first from the exported file, then from the config
// version the control plane pushed to its registered data plane.
import { expect, test } from "@playwright/test";
import { proxyUrl } from "../support/env.js";

const controlUrl = process.env.GATEHOUSE_CONTROL_URL || "http://127.0.0.1:8001";
const clusterToken = process.env.GATEHOUSE_CLUSTER_TOKEN ?? "";

test("the seeded demo answers through the data plane once it runs the pushed version", async ({
  playwright,
}) => {
  const control = await playwright.request.newContext({
    baseURL: controlUrl,
    extraHTTPHeaders: { authorization: `Bearer ${clusterToken}` },
  });
  const gateway = await playwright.request.newContext({ baseURL: proxyUrl });
  try {
    // version 0 is the file the gateway starts from; >= 1 was pushed by the control plane
    await expect
      .poll(
        async () =>
          ((await (await control.get("/v1/status")).json()) as { version: number }).version,
      )
      .toBeGreaterThanOrEqual(1);

    const hello = await gateway.get("/hello");
    expect(hello.status()).toBe(200);
    expect(await hello.json()).toEqual({ message: "Hello from Gatehouse" });

    const echo = await gateway.get("/echo/orders?id=7");
    expect(echo.status()).toBe(200);
    expect(await echo.json()).toMatchObject({ method: "GET", path: "/orders", query: { id: "7" } });
  } finally {
    await control.dispose();
    await gateway.dispose();
  }
});
