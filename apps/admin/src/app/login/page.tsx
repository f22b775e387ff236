import type { Metadata } from "next";
import { safeNext } from "@/server/auth/page-session";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  return (
    <section className="login">
      <h1>Sign in</h1>
      {params.denied ? (
        <p role="alert" className="form-error">
          Your account does not have access to that page.
        </p>
      ) : null}
      <LoginForm next={safeNext(params.next)} />
    </section>
  );
}
