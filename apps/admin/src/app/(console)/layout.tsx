import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/console-shell";
import { currentSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

/**
 * The console around every signed-in page. Each page checks the session itself (requirePageSession with
 * its own path, so anonymous visitors come back to it after signing in); without one, no shell.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  if (!session) return <>{children}</>;
  return (
    <ConsoleShell user={{ actor: session.actor, role: session.role }}>{children}</ConsoleShell>
  );
}
