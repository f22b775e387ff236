import type { Metadata } from "next";
import { ChangeOwnPassword } from "@/components/admin/passwords";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Your account" };

export default async function Page() {
  const session = await requirePageSession("/account", "viewer");
  return (
    <>
      <h1>Your account</h1>
      <p className="lead">
        Signed in as {session.actor} ({session.role}).
      </p>
      <ChangeOwnPassword />
    </>
  );
}
