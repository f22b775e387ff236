import assert from "node:assert/strict";
import { createPrismaClient, isUniqueViolation } from "../src/client.js";
import type { PrismaClient } from "../src/client.js";
import { createTestDatabase } from "../src/testing.js";
import type { TestDatabase } from "../src/testing.js";

export interface Harness {
  db: TestDatabase;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A fresh migrated database and a client on it. */
export async function openHarness(): Promise<Harness> {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url, { maxConnections: 4 });
  return {
    db,
    prisma,
    async close() {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

interface Row {
  id: string;
  version: number;
  updatedAt: Date;
}

/** The subset of a Prisma model delegate the CRUD exercise uses. */
interface Delegate {
  create(args: { data: object }): Promise<Row>;
  findUnique(args: { where: { id: string } }): Promise<Row | null>;
  update(args: { where: { id: string; version: number }; data: object }): Promise<Row>;
  updateMany(args: {
    where: { id: string; version: number };
    data: object;
  }): Promise<{ count: number }>;
  delete(args: { where: { id: string } }): Promise<Row>;
}

export interface CrudCase {
  /** Data of a valid row. */
  create: object;
  /** A change; `version: { increment: 1 }` is added. */
  update: object;
  /** Data that collides with `create` on a unique column (P2002 expected), or null when none. */
  duplicate: object | null;
}

/**
 * Create, read, update with optimistic-concurrency version bump, stale update refused,
 * unique violation (P2002), delete — on one model.
 */
export async function exerciseCrud(model: unknown, crud: CrudCase): Promise<void> {
  const delegate = model as Delegate;
  const created = await delegate.create({ data: crud.create });
  assert.equal(typeof created.id, "string");
  assert.equal(created.version, 1);

  const read = await delegate.findUnique({ where: { id: created.id } });
  assert.ok(read, "the created row reads back");
  assert.deepEqual(read, created);

  const updated = await delegate.update({
    where: { id: created.id, version: 1 },
    data: { ...crud.update, version: { increment: 1 } },
  });
  assert.equal(updated.version, 2);
  assert.ok(updated.updatedAt.getTime() >= created.updatedAt.getTime());
  for (const [key, value] of Object.entries(crud.update)) {
    assert.deepEqual((updated as unknown as Record<string, unknown>)[key], value, `updated ${key}`);
  }

  const stale = await delegate.updateMany({
    where: { id: created.id, version: 1 },
    data: { ...crud.update, version: { increment: 1 } },
  });
  assert.equal(stale.count, 0, "an update with a stale version changes nothing");

  if (crud.duplicate) {
    await assert.rejects(delegate.create({ data: crud.duplicate }), (error: unknown) => {
      assert.ok(isUniqueViolation(error), `expected P2002, got ${String(error)}`);
      return true;
    });
  }

  await delegate.delete({ where: { id: created.id } });
  assert.equal(await delegate.findUnique({ where: { id: created.id } }), null);
}
