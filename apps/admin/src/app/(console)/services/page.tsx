import type { Metadata } from "next";
import { ServicesList } from "@/components/entity/lists";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Services" };

export default async function ServicesPage() {
  await requirePageSession("/services");
  return (
    <>
      <h1>Services</h1>
      <p className="lead">Upstream services the gateway forwards traffic to.</p>
      <ServicesList />
    </>
  );
}
