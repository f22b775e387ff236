import "server-only";
import type { ApiToken } from "@gatehouse/db/client";
import { generateToken, hashToken, tokenPrefix } from "@gatehouse/db/auth";
import type { z } from "zod";
import { hasRole } from "@/server/auth/roles";
import { db } from "@/server/db";
import type { Caller } from "@/server/entities/resource";
import { ApiError } from "@/server/http/errors";
import type { ListQuery } from "@/server/http/list-query";
import type { tokenCreateSchema } from "@/server/schemas/auth";

export const tokenView = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  user: t.userId ? { id: t.userId } : null,
  expires_at: t.expiresAt?.toISOString() ?? null,
  revoked_at: t.revokedAt?.toISOString() ?? null,
  last_used_at: t.lastUsedAt?.toISOString() ?? null,
  created_at: t.createdAt.toISOString(),
});

export async function listTokens(query: ListQuery) {
  const rows = await db().apiToken.findMany({
    orderBy: [{ createdAt: query.sortDesc ? "desc" : "asc" }, { id: "asc" }],
    skip: query.skip,
    take: query.size + 1,
  });
  return rows.map(tokenView);
}

/** Creates a token; the token itself is in the result ONCE (only its sha256 is stored). */
export async function createToken(caller: Caller, input: z.output<typeof tokenCreateSchema>) {
  if (!hasRole(caller.auth.role, input.role)) {
    throw new ApiError("forbidden", "a token cannot have more rights than its creator");
  }
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "expires_at", message: "must be in the future" }],
    });
  }
  const token = generateToken("gh");
  const row = await db().apiToken.create({
    data: {
      name: input.name,
      role: input.role,
      userId: caller.auth.userId,
      expiresAt,
      tokenHash: hashToken(token),
      prefix: tokenPrefix(token, 8),
    },
  });
  await db().auditLog.create({
    data: {
      actor: caller.auth.actor,
      action: "create",
      entityType: "api_token",
      entityId: row.id,
      after: tokenView(row),
      requestId: caller.requestId,
      ip: caller.ip,
    },
  });
  return { ...tokenView(row), token };
}

export async function revokeToken(caller: Caller, id: string) {
  const row = await db().apiToken.findUnique({ where: { id } });
  if (!row) throw new ApiError("not_found", `token ${JSON.stringify(id)} not found`);
  const updated = row.revokedAt
    ? row
    : await db().apiToken.update({
        where: { id },
        data: { revokedAt: new Date(), version: { increment: 1 } },
      });
  await db().auditLog.create({
    data: {
      actor: caller.auth.actor,
      action: "revoke",
      entityType: "api_token",
      entityId: id,
      before: tokenView(row),
      after: tokenView(updated),
      requestId: caller.requestId,
      ip: caller.ip,
    },
  });
  return updated;
}
