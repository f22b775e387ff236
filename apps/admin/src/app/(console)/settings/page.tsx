import type { Metadata } from "next";
import { SettingsForm } from "@/components/admin/settings";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Settings" };

export default async function Page() {
  await requirePageSession("/settings", "admin");
  return (
    <>
      <h1>Settings</h1>
      <p className="lead">
        What the data planes may connect to, and what editors see in the request simulator.
      </p>
      <SettingsForm />
    </>
  );
}
