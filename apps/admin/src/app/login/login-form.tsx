"use client";

import { useState } from "react";
import type { FormEvent } from "react";
import { safeNext } from "@/lib/safe-next";

/** Posts the credentials to /api/v1/auth/login (same origin) and goes on to `next`. */
export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
      });
      if (response.ok) {
        window.location.assign(safeNext(next, window.location.origin));
        return;
      }
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      const retryAfter = Number(response.headers.get("retry-after"));
      setError(
        response.status === 429 || response.status === 503
          ? `${response.status === 429 ? "Too many failed sign-ins." : "The admin is busy."} Try again in ${retryAfter > 0 ? retryAfter : "a few"} seconds.`
          : (body.message ?? "Sign-in failed."),
      );
    } catch {
      setError("The admin could not be reached.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="login-form" aria-label="Sign in" onSubmit={onSubmit} noValidate>
      <label>
        Username
        <input name="username" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
