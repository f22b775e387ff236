-- Snapshots hold their secrets sealed (AES-256-GCM under the admin's key, which SQL does not
-- have): versions written before are marked unsealed, and the admin seals them at start.
ALTER TABLE "ConfigVersion" ADD COLUMN "sealed" BOOLEAN NOT NULL DEFAULT false;
