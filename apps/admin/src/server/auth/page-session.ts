import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { Principal } from "@/server/auth/principal";
import type { Role } from "@/server/auth/roles";
import { hasRole } from "@/server/auth/roles";
import { SESSION_COOKIE, sessionPrincipal } from "@/server/auth/sessions";

/** The signed-in user of a page, or null. */
export async function currentSession(): Promise<Principal | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? sessionPrincipal(token) : null;
}

/**
 * For server components: the signed-in user with at least `role`; anonymous visitors are sent to
 * the login page (coming back to `path` afterwards), signed-in users without the role get a 403 page.
 */
export async function requirePageSession(path: string, role: Role = "viewer"): Promise<Principal> {
  const session = await currentSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(path)}`);
  if (!hasRole(session.role, role)) redirect("/login?denied=1");
  return session;
}
