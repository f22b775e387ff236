import "server-only";
import { generateToken, hashToken } from "@gatehouse/db/auth";
import type { Principal } from "@/server/auth/principal";
import { db } from "@/server/db";

export const SESSION_COOKIE = "gatehouse_session";
/** Sessions last 12 hours from sign-in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Creates a session; returns the cookie value (only its sha256 is stored). */
export async function createSession(
  userId: string,
  info: { ip: string; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken("ghs");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      expiresAt,
      ip: info.ip,
      userAgent: info.userAgent?.slice(0, 256) ?? null,
    },
  });
  return { token, expiresAt };
}

/** The principal behind a session cookie value, or null (unknown, expired, user disabled). */
export async function sessionPrincipal(token: string): Promise<Principal | null> {
  if (!token.startsWith("ghs_")) return null;
  const session = await db().session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabled) return null;
  if (!session.lastUsedAt || Date.now() - session.lastUsedAt.getTime() > 60_000) {
    await db()
      .session.update({ where: { id: session.id }, data: { lastUsedAt: new Date() } })
      .catch(() => undefined);
  }
  return {
    kind: "session",
    actor: session.user.username,
    role: session.user.role,
    userId: session.user.id,
    tokenId: null,
    sessionId: session.id,
  };
}

export async function deleteSession(sessionId: string): Promise<void> {
  await db().session.deleteMany({ where: { id: sessionId } });
}

/** Reads one cookie from a Cookie header (undefined when absent or not valid percent-encoding). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Set-Cookie for the session: httpOnly, SameSite=Lax, Secure over https, Path=/. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    "Max-Age=0",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
