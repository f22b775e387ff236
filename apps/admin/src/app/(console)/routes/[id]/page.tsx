import type { Metadata } from "next";
import { RouteDetail } from "@/components/entity/details";
import { EffectiveChainView } from "@/components/effective-chain";
import { requirePageSession } from "@/server/auth/page-session";
import { effectiveChain } from "@/server/routes/effective-chain";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Route" };

export default async function RoutePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageSession(`/routes/${id}`);
  const chain = await effectiveChain(id);
  return (
    <>
      <h1>Route</h1>
      <div className="detail-grid">
        <RouteDetail id={id} />
        {chain ? <EffectiveChainView chain={chain} /> : null}
      </div>
    </>
  );
}
