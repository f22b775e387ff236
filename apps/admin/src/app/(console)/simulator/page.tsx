import type { Metadata } from "next";
import { RequestSimulator } from "@/components/simulator/request-simulator";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Request simulator" };

export default async function SimulatorPage() {
  await requirePageSession("/simulator", "editor");
  return (
    <>
      <h1>Request simulator</h1>
      <p className="lead">
        Send a request through a data plane with tracing on: see the route it matched, every plugin
        × phase that ran with its time, who exited or failed, and the response.
      </p>
      <RequestSimulator />
    </>
  );
}
