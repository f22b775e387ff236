import type { Metadata } from "next";
import { UpstreamsList } from "@/components/entity/lists";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Upstreams" };

export default async function UpstreamsPage() {
  await requirePageSession("/upstreams");
  return (
    <>
      <h1>Upstreams</h1>
      <p className="lead">Load balancers over targets, with active and passive health checks.</p>
      <UpstreamsList />
    </>
  );
}
