"use client";

export default function ServicesError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div role="alert" className="error-box">
      <h1>Services could not be loaded</h1>
      <p>
        The database did not answer. Check that PostgreSQL is running and DATABASE_URL points at it.
      </p>
      <button type="button" onClick={() => reset()}>
        Try again
      </button>
    </div>
  );
}
