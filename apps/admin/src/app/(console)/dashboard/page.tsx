import type { Metadata } from "next";
import { Dashboard } from "@/components/dashboard";
import { requirePageSession } from "@/server/auth/page-session";
import { getOverview } from "@/server/dashboard/get-overview";
import { getTraffic } from "@/server/dashboard/get-traffic";
import { TrafficCharts } from "@/components/traffic-charts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  await requirePageSession("/dashboard");
  const [overview, traffic] = await Promise.all([getOverview(), getTraffic()]);
  return (
    <>
      <h1>Dashboard</h1>
      <p className="lead">
        What the gateway is configured to do, and whether the data planes run it.
      </p>
      <Dashboard overview={overview} />
      {traffic ? <TrafficCharts traffic={traffic} /> : null}
    </>
  );
}
