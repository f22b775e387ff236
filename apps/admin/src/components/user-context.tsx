"use client";

import { createContext, useContext } from "react";
import type { ReactNode } from "react";

export type Role = "viewer" | "editor" | "admin";

export interface CurrentUser {
  actor: string;
  role: Role;
}

const UserContext = createContext<CurrentUser>({ actor: "", role: "viewer" });

export function UserProvider({ user, children }: { user: CurrentUser; children: ReactNode }) {
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

/**
 * The signed-in user and what the UI offers them. Only cosmetic: the API checks the role on every call.
 */
export function useCurrentUser(): CurrentUser & { canEdit: boolean; isAdmin: boolean } {
  const user = useContext(UserContext);
  return { ...user, canEdit: user.role !== "viewer", isAdmin: user.role === "admin" };
}
