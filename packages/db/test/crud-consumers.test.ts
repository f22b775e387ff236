import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { exerciseCrud, openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h.close();
});

const consumer = (username: string) => h.prisma.consumer.create({ data: { username } });

test("Consumer: CRUD, version bump, unique username", async () => {
  await exerciseCrud(h.prisma.consumer, {
    create: { username: "alice", customId: "c-1" },
    update: { tags: ["gold"] },
    duplicate: { username: "alice" },
  });
});

test("Consumer: custom_id is unique too, and several consumers may omit both", async () => {
  await h.prisma.consumer.create({ data: { customId: "ext-9" } });
  await assert.rejects(
    h.prisma.consumer.create({ data: { customId: "ext-9" } }),
    /Unique constraint/,
  );
  await h.prisma.consumer.create({ data: {} });
  await h.prisma.consumer.create({ data: {} });
});

test("KeyAuthCredential: CRUD, version bump, unique key hash", async () => {
  const owner = await consumer("key-owner");
  await exerciseCrud(h.prisma.keyAuthCredential, {
    create: { consumerId: owner.id, keyHash: "a".repeat(64), keyPrefix: "gh_abc" },
    update: { tags: ["rotated"] },
    duplicate: { consumerId: owner.id, keyHash: "a".repeat(64), keyPrefix: "gh_abc" },
  });
});

test("BasicAuthCredential: CRUD, version bump, unique username", async () => {
  const owner = await consumer("basic-owner");
  await exerciseCrud(h.prisma.basicAuthCredential, {
    create: { consumerId: owner.id, username: "bob", passwordHash: "$scrypt$x" },
    update: { passwordHash: "$scrypt$y" },
    duplicate: { consumerId: owner.id, username: "bob", passwordHash: "$scrypt$z" },
  });
});

test("JwtCredential: CRUD, version bump, unique key", async () => {
  const owner = await consumer("jwt-owner");
  await exerciseCrud(h.prisma.jwtCredential, {
    create: { consumerId: owner.id, key: "issuer-1", secretEncrypted: "v1.a.b.c" },
    update: {
      algorithm: "RS256",
      secretEncrypted: null,
      rsaPublicKey: "-----BEGIN PUBLIC KEY-----",
    },
    duplicate: { consumerId: owner.id, key: "issuer-1" },
  });
});

test("AclGroup: CRUD, version bump, one row per consumer and group", async () => {
  const owner = await consumer("acl-owner");
  await exerciseCrud(h.prisma.aclGroup, {
    create: { consumerId: owner.id, group: "admins" },
    update: { tags: ["ops"] },
    duplicate: { consumerId: owner.id, group: "admins" },
  });
  const other = await consumer("acl-other");
  await h.prisma.aclGroup.create({ data: { consumerId: other.id, group: "admins" } });
});

test("credentials and consumer plugins go with their consumer", async () => {
  const owner = await consumer("leaving");
  await h.prisma.keyAuthCredential.create({
    data: { consumerId: owner.id, keyHash: "b".repeat(64), keyPrefix: "gh_b" },
  });
  await h.prisma.basicAuthCredential.create({
    data: { consumerId: owner.id, username: "leaving", passwordHash: "h" },
  });
  await h.prisma.jwtCredential.create({ data: { consumerId: owner.id, key: "leaving" } });
  await h.prisma.aclGroup.create({ data: { consumerId: owner.id, group: "leaving" } });
  await h.prisma.plugin.create({ data: { name: "rate-limiting", consumerId: owner.id } });
  await h.prisma.consumer.delete({ where: { id: owner.id } });
  const left = await Promise.all([
    h.prisma.keyAuthCredential.count({ where: { consumerId: owner.id } }),
    h.prisma.basicAuthCredential.count({ where: { consumerId: owner.id } }),
    h.prisma.jwtCredential.count({ where: { consumerId: owner.id } }),
    h.prisma.plugin.count({ where: { consumerId: owner.id } }),
    h.prisma.aclGroup.count({ where: { consumerId: owner.id } }),
  ]);
  assert.deepEqual(left, [0, 0, 0, 0, 0]);
});
