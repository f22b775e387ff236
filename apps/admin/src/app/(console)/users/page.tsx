import type { Metadata } from "next";
import { UsersAdmin } from "@/components/admin/users";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Users" };

export default async function Page() {
  await requirePageSession("/users", "admin");
  return (
    <>
      <h1>Users</h1>
      <p className="lead">Who can sign in, and with which role.</p>
      <UsersAdmin />
    </>
  );
}
