// Prisma 7 configuration (read by the Prisma CLI: generate, migrate deploy, studio).
// DATABASE_URL is optional here so that `prisma generate` works without a database;
// commands that need a database fail clearly against the placeholder.
import { defineConfig } from "prisma/config";

const PLACEHOLDER_URL = "postgresql://placeholder:placeholder@127.0.0.1:5432/placeholder";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? PLACEHOLDER_URL },
});
