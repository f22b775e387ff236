/** Runs once when the Next.js server starts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkEnvironmentAtStart, loadPluginsAtStart, sealSecretsAtStart } =
      await import("./instrumentation-node");
    checkEnvironmentAtStart();
    await loadPluginsAtStart();
    await sealSecretsAtStart();
    // push config versions to the registered data planes (not at build time)
    if (process.env.NEXT_PHASE !== "phase-production-build") {
      const { startDistribution } = await import("./server/distribution/start");
      startDistribution();
    }
  }
}
