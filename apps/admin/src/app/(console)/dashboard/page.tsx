import type { Metadata } from "next";
import { Dashboard } from "@/components/dashboard";
import { requirePageSession } from "@/server/auth/page-session";
import { getOverview } from "@/server/dashboard/get-overview";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  await requirePageSession("/dashboard");
  const overview = await getOverview();
  return (
    <>
      <h1>Dashboard</h1>
      <p className="lead">
        What the gateway is configured to do, and whether the data planes run it.
      </p>
      <Dashboard overview={overview} />
    </>
  );
}
