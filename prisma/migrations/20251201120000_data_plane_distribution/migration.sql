-- AlterTable
ALTER TABLE "DataPlane" ADD COLUMN     "errors" JSONB,
ADD COLUMN     "missingPlugins" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "targetVersion" INTEGER,
ADD COLUMN     "lastPushAt" TIMESTAMP(3),
ADD COLUMN     "reported" JSONB;
