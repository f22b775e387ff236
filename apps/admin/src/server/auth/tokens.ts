import "server-only";
import { digestsEqual, hashToken } from "@gatehouse/db/auth";
import { env } from "@/env";
import type { Principal } from "@/server/auth/principal";
import { minRole } from "@/server/auth/roles";
import { db } from "@/server/db";

/** The principal behind a bearer token (bootstrap or API token), or null. */
export async function tokenPrincipal(token: string): Promise<Principal | null> {
  if (token === "") return null;
  const presented = hashToken(token);
  const bootstrap = env().GATEHOUSE_BOOTSTRAP_TOKEN;
  // Compare digests (fixed length) in constant time: no early exit on the first differing byte.
  if (bootstrap !== undefined && digestsEqual(presented, hashToken(bootstrap))) {
    return {
      kind: "bootstrap",
      actor: "bootstrap",
      role: "admin",
      userId: null,
      tokenId: null,
      sessionId: null,
    };
  }
  const row = await db().apiToken.findUnique({
    where: { tokenHash: presented },
    include: { user: true },
  });
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  if (row.user?.disabled) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db()
      .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
      .catch(() => undefined);
  }
  return {
    kind: "token",
    actor: `token:${row.name}`,
    // A token never grants more than its owner currently has.
    role: row.user ? minRole(row.role, row.user.role) : row.role,
    userId: row.userId,
    tokenId: row.id,
    sessionId: null,
  };
}
