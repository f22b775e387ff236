-- CreateTable
CREATE TABLE "AclGroup" (
    "id" TEXT NOT NULL,
    "consumerId" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "AclGroup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AclGroup_consumerId_group_key" ON "AclGroup"("consumerId", "group");

-- AddForeignKey
ALTER TABLE "AclGroup" ADD CONSTRAINT "AclGroup_consumerId_fkey" FOREIGN KEY ("consumerId") REFERENCES "Consumer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
