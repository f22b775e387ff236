import "server-only";
import type { AdminUser } from "@gatehouse/db/client";
import { hashPassword, verifyPassword } from "@gatehouse/db/auth";
import type { z } from "zod";
import { db } from "@/server/db";
import type { Caller } from "@/server/entities/resource";
import { ApiError, fromDatabaseError } from "@/server/http/errors";
import type { ListQuery } from "@/server/http/list-query";
import type {
  passwordChangeSchema,
  userCreateSchema,
  userUpdateSchema,
} from "@/server/schemas/auth";

export const userView = (u: AdminUser) => ({
  id: u.id,
  username: u.username,
  email: u.email,
  role: u.role,
  disabled: u.disabled,
  last_login_at: u.lastLoginAt?.toISOString() ?? null,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
  version: u.version,
});

async function audit(
  caller: Caller,
  action: string,
  id: string,
  before?: unknown,
  after?: unknown,
) {
  await db().auditLog.create({
    data: {
      actor: caller.auth.actor,
      action,
      entityType: "admin_user",
      entityId: id,
      before: before as never,
      after: after as never,
      requestId: caller.requestId,
      ip: caller.ip,
    },
  });
}

export async function listUsers(query: ListQuery) {
  const rows = await db().adminUser.findMany({
    where: query.q ? { username: { contains: query.q, mode: "insensitive" } } : {},
    orderBy: [
      { [query.sortBy === "username" ? "username" : "createdAt"]: query.sortDesc ? "desc" : "asc" },
      { id: "asc" },
    ],
    skip: query.skip,
    take: query.size + 1,
  });
  return rows.map(userView);
}

export async function findUser(key: string): Promise<AdminUser> {
  const user = await db().adminUser.findFirst({ where: { OR: [{ id: key }, { username: key }] } });
  if (!user) throw new ApiError("not_found", `user ${JSON.stringify(key)} not found`);
  return user;
}

export async function createUser(caller: Caller, input: z.output<typeof userCreateSchema>) {
  const user = await db().adminUser.create({
    data: {
      username: input.username,
      email: input.email ?? null,
      role: input.role,
      disabled: input.disabled,
      passwordHash: await hashPassword(input.password),
    },
  });
  await audit(caller, "create", user.id, undefined, userView(user));
  return user;
}

/** Refuses a change that would leave no enabled admin (nobody could manage users any more). */
async function keepAnAdmin(user: AdminUser, stillAdmin: boolean): Promise<void> {
  if (user.role !== "admin" || user.disabled || stillAdmin) return;
  const others = await db().adminUser.count({
    where: { role: "admin", disabled: false, id: { not: user.id } },
  });
  if (others === 0) {
    throw new ApiError("conflict", "this is the last enabled admin: make another admin first");
  }
}

export async function updateUser(
  caller: Caller,
  key: string,
  input: z.output<typeof userUpdateSchema>,
  expected: number | undefined,
) {
  const current = await findUser(key);
  if (expected !== undefined && expected !== current.version) {
    throw new ApiError(
      "stale",
      `the user was changed since you read it (you have version ${expected}, the current one is ${current.version})`,
    );
  }
  await keepAnAdmin(
    current,
    (input.role ?? current.role) === "admin" && !(input.disabled ?? current.disabled),
  );
  const { count } = await db()
    .adminUser.updateMany({
      where: { id: current.id, version: current.version },
      data: {
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.role ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
        ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
        version: { increment: 1 },
      },
    })
    .catch((error: unknown) => {
      throw fromDatabaseError(error) ?? error;
    });
  if (count === 0) throw new ApiError("stale", "the user was changed concurrently; read it again");
  // A new password or a disabled account ends the user's sessions.
  if (input.password || input.disabled)
    await db().session.deleteMany({ where: { userId: current.id } });
  const user = await db().adminUser.findUniqueOrThrow({ where: { id: current.id } });
  await audit(caller, "update", user.id, userView(current), userView(user));
  return user;
}

export async function deleteUser(caller: Caller, key: string) {
  const current = await findUser(key);
  if (current.id === caller.auth.userId)
    throw new ApiError("conflict", "you cannot delete yourself");
  await keepAnAdmin(current, false);
  await db().adminUser.delete({ where: { id: current.id } });
  await audit(caller, "delete", current.id, userView(current));
}

/**
 * A signed-in user changes their own password (the current one proves it is them). Their other
 * sessions end; the one making the change stays signed in.
 */
export async function changeOwnPassword(
  caller: Caller,
  input: z.output<typeof passwordChangeSchema>,
): Promise<void> {
  const userId = caller.auth.userId;
  if (!userId) {
    throw new ApiError(
      "forbidden",
      "only a user has a password: sign in as a user (the bootstrap token has none)",
    );
  }
  const user = await db().adminUser.findUnique({ where: { id: userId } });
  if (!user) throw new ApiError("not_found", "your user no longer exists");
  if (!(await verifyPassword(input.current_password, user.passwordHash))) {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "current_password", message: "is not your current password" }],
    });
  }
  if (input.new_password === input.current_password) {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "new_password", message: "must differ from the current password" }],
    });
  }
  await db().adminUser.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(input.new_password), version: { increment: 1 } },
  });
  await db().session.deleteMany({
    where: {
      userId: user.id,
      ...(caller.auth.sessionId ? { id: { not: caller.auth.sessionId } } : {}),
    },
  });
  await audit(caller, "change-password", user.id);
}
