import "server-only";
import { verifyPassword } from "@gatehouse/db/auth";
import { createSession } from "@/server/auth/sessions";
import { db } from "@/server/db";
import { ApiError } from "@/server/http/errors";

/** Failed sign-ins allowed per IP + username, and per username from anywhere, in one window. */
export const LOGIN_LIMIT = { window: 15 * 60 * 1000, perIpAndUser: 5, perUser: 20 } as const;

/** A scrypt hash of a random password: unknown users cost as much time as known ones. */
const DUMMY_HASH =
  "$scrypt$N=32768,r=8,p=3$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/**
 * Rate limit, kept IN THE DATABASE (the audit log's `login.failed` rows), so it holds across
 * several admin processes and restarts: at most 5 failures per IP + username and 20 per username
 * within 15 minutes; then 429 with Retry-After until the oldest failure leaves the window.
 */
async function checkRateLimit(username: string, ip: string): Promise<void> {
  const since = new Date(Date.now() - LOGIN_LIMIT.window);
  const where = {
    action: "login.failed",
    entityType: "session",
    entityId: username,
    at: { gte: since },
  };
  const [forIp, forUser] = await Promise.all([
    db().auditLog.findMany({
      where: { ...where, ip },
      orderBy: { at: "asc" },
      take: LOGIN_LIMIT.perIpAndUser,
      select: { at: true },
    }),
    db().auditLog.count({ where }),
  ]);
  if (forIp.length >= LOGIN_LIMIT.perIpAndUser || forUser >= LOGIN_LIMIT.perUser) {
    const oldest = forIp[0]?.at.getTime() ?? Date.now();
    const retryAfter = Math.max(1, Math.ceil((oldest + LOGIN_LIMIT.window - Date.now()) / 1000));
    throw new ApiError("rate_limited", "too many failed sign-ins; try again later", {
      headers: { "retry-after": String(retryAfter) },
    });
  }
}

export async function login(
  input: { username: string; password: string },
  info: { ip: string; userAgent: string | null; requestId: string },
): Promise<{
  token: string;
  expiresAt: Date;
  user: { id: string; username: string; role: string };
}> {
  await checkRateLimit(input.username, info.ip);
  const user = await db().adminUser.findUnique({ where: { username: input.username } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) {
    await db().auditLog.create({
      data: {
        actor: input.username,
        action: "login.failed",
        entityType: "session",
        entityId: input.username,
        ip: info.ip,
        requestId: info.requestId,
      },
    });
    throw new ApiError("unauthorized", "wrong username or password");
  }
  const session = await createSession(user.id, info);
  await db().adminUser.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await db().auditLog.create({
    data: {
      actor: user.username,
      action: "login",
      entityType: "session",
      entityId: user.username,
      ip: info.ip,
      requestId: info.requestId,
    },
  });
  return { ...session, user: { id: user.id, username: user.username, role: user.role } };
}
