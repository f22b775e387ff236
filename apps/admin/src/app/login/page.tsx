import type { Metadata } from "next";
import { headers } from "next/headers";
import { safeNext } from "@/lib/safe-next";
import { ownOrigin } from "@/server/auth/request-info";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const origin = ownOrigin({ headers: await headers(), url: "http://localhost/" });
  return (
    <section className="login">
      <h1>Sign in</h1>
      {params.denied ? (
        <p role="alert" className="form-error">
          Your account does not have access to that page.
        </p>
      ) : null}
      <LoginForm next={safeNext(params.next, origin)} />
    </section>
  );
}
