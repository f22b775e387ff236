import type { Metadata } from "next";
import { ServiceDetail } from "@/components/entity/details";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New service" };

export default async function NewServicePage() {
  await requirePageSession("/services/new", "editor");
  return (
    <>
      <h1>New service</h1>
      <ServiceDetail id={null} />
    </>
  );
}
