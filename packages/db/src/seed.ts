// Demo data for a fresh installation (`npm start` on an empty database).
import { generatePassword, hashPassword } from "./auth.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { commitVersion, lockChanges } from "./versions.js";

export interface SeedDemoOptions {
  /** The upstream of the `demo-echo` service, e.g. http://127.0.0.1:8002 */
  echoUrl: string;
  /** Username of the first admin. Default "admin". */
  adminUsername?: string;
}

export interface SeedDemoResult {
  /** False when the database already had configuration or users (nothing was changed). */
  created: boolean;
  /** The first admin's credentials; the password is only ever returned here (stored hashed). */
  admin?: { username: string; password: string };
}

/**
 * On an empty database only (no services, routes, plugins, consumers or admin users), creates:
 * - service `demo-echo` → echoUrl, with route `demo-echo` on paths ["/echo"];
 * - route `demo-hello` on paths ["/hello"] without a service, answered by a `request-termination`
 *   plugin (200, "Hello from Gatehouse");
 * - admin user `admin` (role admin) with a generated password;
 * - config version 1 (author "seed") holding the exported snapshot and its hash, committed the
 *   way every change is (versions.ts: under the change lock, which also serialises two seeders).
 * All in one transaction.
 */
export async function seedDemo(
  prisma: PrismaClient,
  options: SeedDemoOptions,
): Promise<SeedDemoResult> {
  const upstream = parseEchoUrl(options.echoUrl);
  const username = options.adminUsername ?? "admin";
  const password = generatePassword(20);
  const passwordHash = await hashPassword(password);

  return prisma.$transaction(
    async (tx) => {
      await lockChanges(tx);
      const counts = [
        await tx.service.count(),
        await tx.route.count(),
        await tx.plugin.count(),
        await tx.consumer.count(),
        await tx.adminUser.count(),
      ];
      if (counts.some((count) => count > 0)) return { created: false };

      const service = await tx.service.create({
        data: { name: "demo-echo", ...upstream, tags: ["demo"] },
      });
      await tx.route.create({
        data: { name: "demo-echo", serviceId: service.id, paths: ["/echo"], tags: ["demo"] },
      });
      const hello = await tx.route.create({
        data: { name: "demo-hello", paths: ["/hello"], tags: ["demo"] },
      });
      await tx.plugin.create({
        data: {
          name: "request-termination",
          routeId: hello.id,
          config: { status_code: 200, message: "Hello from Gatehouse" },
          tags: ["demo"],
        },
      });
      await tx.adminUser.create({ data: { username, passwordHash, role: "admin" } });

      await commitVersion(tx, { author: "seed", message: "demo configuration" });
      await tx.auditLog.create({
        data: { actor: "seed", action: "seed", entityType: "database", after: { demo: true } },
      });
      return { created: true, admin: { username, password } };
    },
    { timeout: 30_000 },
  );
}

function parseEchoUrl(echoUrl: string): {
  protocol: "http" | "https";
  host: string;
  port: number;
  path: string | null;
} {
  let url: URL;
  try {
    url = new URL(echoUrl);
  } catch {
    throw new TypeError(`echoUrl: "${echoUrl}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`echoUrl: protocol must be http or https, got ${url.protocol}`);
  }
  const protocol = url.protocol === "https:" ? "https" : "http";
  return {
    protocol,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : protocol === "https" ? 443 : 80,
    path: url.pathname && url.pathname !== "/" ? url.pathname : null,
  };
}
