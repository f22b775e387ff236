import type { Metadata } from "next";
import { UpstreamDetail } from "@/components/upstreams/upstream-detail";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New upstream" };

export default async function NewUpstreamPage() {
  await requirePageSession("/upstreams/new", "editor");
  return (
    <>
      <h1>New upstream</h1>
      <UpstreamDetail id={null} />
    </>
  );
}
