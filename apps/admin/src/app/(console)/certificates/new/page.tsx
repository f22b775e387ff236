import type { Metadata } from "next";
import { CertificateEditor } from "@/components/certificates/certificate-editor";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New certificate" };

export default async function NewCertificatePage() {
  await requirePageSession("/certificates/new", "editor");
  return (
    <>
      <h1>New certificate</h1>
      <CertificateEditor id={null} />
    </>
  );
}
