import type { Metadata } from "next";
import { CertificatesList } from "@/components/certificates/certificates-list";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage() {
  await requirePageSession("/certificates");
  return (
    <>
      <h1>Certificates</h1>
      <p className="lead">
        The TLS certificates the data planes serve, chosen per connection by SNI.
      </p>
      <CertificatesList />
    </>
  );
}
