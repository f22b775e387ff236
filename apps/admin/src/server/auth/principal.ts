import type { Role } from "@/server/auth/roles";

/** Who is calling, and how they proved it. */
export interface Principal {
  kind: "session" | "token" | "bootstrap";
  /** What the audit log records: a username, `token:<name>` or `bootstrap`. */
  actor: string;
  role: Role;
  userId: string | null;
  tokenId: string | null;
  sessionId: string | null;
}
