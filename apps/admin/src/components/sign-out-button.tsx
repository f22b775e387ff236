"use client";

import { usePathname } from "next/navigation";

/** Ends the session (POST /api/v1/auth/logout, same origin) and returns to the login page. */
export function SignOutButton() {
  const pathname = usePathname();
  if (pathname.startsWith("/login")) return null;
  return (
    <button
      type="button"
      className="sign-out"
      onClick={async () => {
        await fetch("/api/v1/auth/logout", { method: "POST" }).catch(() => undefined);
        window.location.assign("/login");
      }}
    >
      Sign out
    </button>
  );
}
