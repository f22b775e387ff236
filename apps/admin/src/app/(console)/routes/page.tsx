import type { Metadata } from "next";
import { RoutesList } from "@/components/entity/lists";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Routes" };

export default async function RoutesPage() {
  await requirePageSession("/routes");
  return (
    <>
      <h1>Routes</h1>
      <p className="lead">Which requests go to which service: paths, hosts, methods.</p>
      <RoutesList />
    </>
  );
}
