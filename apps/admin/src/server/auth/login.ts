import "server-only";
import { verifyPassword } from "@gatehouse/db/auth";
import { passwordHashing } from "@/server/auth/hash-slots";
import {
  claimLoginAttempt,
  clearLoginAttempts,
  recordLoginFailure,
} from "@/server/auth/login-throttle";
import { createSession } from "@/server/auth/sessions";
import { db } from "@/server/db";
import { ApiError } from "@/server/http/errors";

/** A scrypt hash of a random password: unknown users cost as much time as known ones. */
const DUMMY_HASH =
  "$scrypt$N=32768,r=8,p=3$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/**
 * Signs in. The attempt is recorded (throttle, in the database) before the password is checked,
 * the same way for known and unknown usernames; delayed attempts get 429 + Retry-After without
 * a password check; password checks are bounded per process (503 + Retry-After beyond).
 */
export async function login(
  input: { username: string; password: string },
  info: { ip: string; userAgent: string | null; requestId: string },
): Promise<{
  token: string;
  expiresAt: Date;
  user: { id: string; username: string; role: string };
}> {
  const claim = await claimLoginAttempt(input.username, info.ip);
  if (!claim.allowed) {
    throw new ApiError("rate_limited", "too many failed sign-ins; try again later", {
      headers: { "retry-after": String(Math.max(1, Math.ceil(claim.retryAfterMs / 1000))) },
    });
  }
  const user = await db().adminUser.findUnique({ where: { username: input.username } });
  const ok = await passwordHashing.run(() =>
    verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH),
  );
  if (!user || !ok || user.disabled) {
    await recordLoginFailure(input.username, info.ip, claim.failures);
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
  await clearLoginAttempts(input.username, info.ip);
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
