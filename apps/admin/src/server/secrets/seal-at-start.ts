// At start (instrumentation): checks GATEHOUSE_KEY_HASH_SECRET opens the secrets stored encrypted,
// then seals what an older admin stored in clear: plugin secret fields (Plugin.config) and the
// secrets of configuration snapshots (ConfigVersion.sealed false). SQL cannot encrypt with the
// admin's key, so this is TypeScript, once per row (sealed rows are skipped). No "server-only" /
// "@/" imports: instrumentation loads it outside the route bundles.
import { canonicalJson } from "@gatehouse/config";
import { decryptSecret } from "@gatehouse/db/auth";
import { createPrismaClient } from "@gatehouse/db/client";
import type { PrismaClient } from "@gatehouse/db/client";
import { openValue } from "@gatehouse/db/sealed";
import {
  holdsClearSecret,
  pluginDefinitions,
  sealDocumentSecrets,
  sealPluginConfig,
  secretPaths,
} from "../catalog/plugin-secrets";
import { secretKeyOf } from "./key";

/** The key cannot open the stored secrets: the admin must not start. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

export const ERR_KEY_MISSING =
  "GATEHOUSE_KEY_HASH_SECRET is not set, but the database holds secrets encrypted with it (jwt secrets, private keys, plugin secrets): set it to the value they were stored with";
export const ERR_KEY_WRONG =
  "GATEHOUSE_KEY_HASH_SECRET cannot decrypt the secrets stored in the database (jwt secrets, private keys, plugin secrets): it is not the value they were encrypted with";

/** One stored encrypted value of each kind, opened with `key` (SecretKeyError when it cannot be). */
async function checkKey(prisma: PrismaClient, key: string | undefined): Promise<void> {
  const [jwt, certificate, plugins] = await Promise.all([
    prisma.jwtCredential.findFirst({
      where: { secretEncrypted: { not: null } },
      select: { secretEncrypted: true },
    }),
    prisma.certificate.findFirst({ select: { keyEncrypted: true } }),
    prisma.$queryRaw<{ config: unknown }[]>`
      SELECT "config" FROM "Plugin" WHERE "config"::text LIKE '%"$sealed"%' LIMIT 1`,
  ]);
  const samples: (() => unknown)[] = [];
  if (jwt?.secretEncrypted) samples.push(() => decryptSecret(jwt.secretEncrypted as string, k()));
  if (certificate) samples.push(() => decryptSecret(certificate.keyEncrypted, k()));
  if (plugins[0]) samples.push(() => openValue(plugins[0]?.config, k()));
  function k(): string {
    if (key === undefined) throw new SecretKeyError(ERR_KEY_MISSING);
    return key;
  }
  for (const sample of samples) {
    try {
      sample();
    } catch (error) {
      if (error instanceof SecretKeyError) throw error;
      throw new SecretKeyError(ERR_KEY_WRONG);
    }
  }
}

/** Seals the plugin rows holding a secret in clear; returns how many. */
async function sealPlugins(prisma: PrismaClient, key: string): Promise<number> {
  const names = [...pluginDefinitions().keys()].filter((name) => secretPaths(name).length > 0);
  const rows = await prisma.plugin.findMany({
    where: { name: { in: names } },
    select: { id: true, name: true, config: true, version: true },
  });
  let sealed = 0;
  for (const row of rows) {
    if (!holdsClearSecret(row.name, row.config)) continue;
    const config = sealPluginConfig(row.name, row.config as Record<string, unknown>, () => key);
    // the version it was read at: a row changed meanwhile (sealed by its writer) is left alone
    const { count } = await prisma.plugin.updateMany({
      where: { id: row.id, version: row.version },
      data: { config: config as object },
    });
    sealed += count;
  }
  return sealed;
}

/** Seals the snapshots written before secrets were sealed (one at a time); returns how many. */
async function sealSnapshots(prisma: PrismaClient, key: string): Promise<number> {
  const pending = await prisma.configVersion.findMany({
    where: { sealed: false },
    select: { id: true },
    orderBy: { version: "asc" },
  });
  for (const { id } of pending) {
    const rows = await prisma.$queryRaw<{ snapshot: string }[]>`
      SELECT "snapshot"::text AS "snapshot" FROM "ConfigVersion" WHERE "id" = ${id}`;
    const text = rows[0]?.snapshot;
    if (text === undefined) continue;
    const doc: unknown = JSON.parse(text);
    // the hash stays: it is the clear document's, and opening the sealed one gives it back
    if (sealDocumentSecrets(doc, key)) {
      await prisma.$executeRaw`
        UPDATE "ConfigVersion" SET "snapshot" = ${canonicalJson(doc)}::jsonb, "sealed" = true
        WHERE "id" = ${id}`;
    } else {
      await prisma.configVersion.update({ where: { id }, data: { sealed: true } });
    }
  }
  return pending.length;
}

/**
 * The start check and one-time sealing pass. Throws SecretKeyError when the key is missing or
 * wrong for the stored secrets; a database that cannot be reached is only reported (the next
 * start seals what is left, and writes seal as they go).
 */
export async function sealSecretsAtStart(
  databaseUrl: string,
  keyHashSecret: string | undefined,
  log: (message: string) => void = (m) => console.log(`[secrets] ${m}`),
): Promise<void> {
  const key = secretKeyOf(keyHashSecret);
  const prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
  try {
    await checkKey(prisma, key);
    if (key === undefined) return;
    const plugins = await sealPlugins(prisma, key);
    const versions = await sealSnapshots(prisma, key);
    if (plugins + versions > 0) {
      log(`sealed the secrets of ${plugins} plugin(s) and ${versions} configuration version(s)`);
    }
  } catch (error) {
    if (error instanceof SecretKeyError) throw error;
    // name only: a database error's message may quote a row
    log(`cannot check the stored secrets now (${(error as Error).name}); continuing`);
  } finally {
    await prisma.$disconnect();
  }
}
