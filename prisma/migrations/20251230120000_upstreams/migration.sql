-- Issue 12: upstreams are entities (Kong's fields); targets belong to an upstream. Every
-- service's targets move, with their ids, into the service's own upstream, named as the admin
-- exported it: "<service name>.upstream", or "service-<sha256(id)[0:16]>.upstream" when that is no
-- hostname or is some service's host. The service keeps its host (its upstream's Host header).

-- CreateTable
CREATE TABLE "Upstream" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL DEFAULT 'round-robin',
    "hashOn" TEXT NOT NULL DEFAULT 'none',
    "hashFallback" TEXT NOT NULL DEFAULT 'none',
    "hashOnHeader" TEXT,
    "hashFallbackHeader" TEXT,
    "hashOnCookie" TEXT,
    "hashOnCookiePath" TEXT NOT NULL DEFAULT '/',
    "hashOnQueryArg" TEXT,
    "hashFallbackQueryArg" TEXT,
    "hashOnUriCapture" TEXT,
    "hashFallbackUriCapture" TEXT,
    "slots" INTEGER NOT NULL DEFAULT 10000,
    "healthchecks" JSONB NOT NULL DEFAULT '{}',
    "hostHeader" TEXT,
    "serviceId" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Upstream_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Upstream_name_key" ON "Upstream"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Upstream_serviceId_key" ON "Upstream"("serviceId");

-- AddForeignKey
ALTER TABLE "Upstream" ADD CONSTRAINT "Upstream_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data: one upstream per service that has targets
INSERT INTO "Upstream" ("id", "name", "serviceId", "updatedAt")
SELECT gen_random_uuid()::text,
       CASE
         WHEN (s."name" || '.upstream') ~ '^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})?)*\.?$'
              AND NOT EXISTS (SELECT 1 FROM "Service" o WHERE lower(o."host") = lower(s."name" || '.upstream'))
           THEN s."name" || '.upstream'
         ELSE 'service-' || substr(encode(sha256(convert_to(s."id", 'UTF8')), 'hex'), 1, 16) || '.upstream'
       END,
       s."id",
       CURRENT_TIMESTAMP
  FROM "Service" s
 WHERE EXISTS (SELECT 1 FROM "Target" t WHERE t."serviceId" = s."id");

-- Targets: serviceId -> upstreamId
ALTER TABLE "Target" ADD COLUMN "upstreamId" TEXT;
UPDATE "Target" t SET "upstreamId" = u."id" FROM "Upstream" u WHERE u."serviceId" = t."serviceId";
ALTER TABLE "Target" ALTER COLUMN "upstreamId" SET NOT NULL;
ALTER TABLE "Target" DROP CONSTRAINT "Target_serviceId_fkey";
DROP INDEX "Target_serviceId_target_key";
ALTER TABLE "Target" DROP COLUMN "serviceId";

-- CreateIndex
CREATE UNIQUE INDEX "Target_upstreamId_target_key" ON "Target"("upstreamId", "target");

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_upstreamId_fkey" FOREIGN KEY ("upstreamId") REFERENCES "Upstream"("id") ON DELETE CASCADE ON UPDATE CASCADE;
