-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "caCertificates" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "clientCertificateId" TEXT,
ADD COLUMN     "tlsVerify" BOOLEAN,
ADD COLUMN     "tlsVerifyDepth" INTEGER;

-- AlterTable
ALTER TABLE "Route" ADD COLUMN     "httpsRedirectStatusCode" INTEGER NOT NULL DEFAULT 426;

-- CreateTable
CREATE TABLE "Certificate" (
    "id" TEXT NOT NULL,
    "cert" TEXT NOT NULL,
    "keyEncrypted" TEXT NOT NULL,
    "certAlt" TEXT,
    "keyAltEncrypted" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sni" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "certificateId" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Sni_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaCertificate" (
    "id" TEXT NOT NULL,
    "cert" TEXT NOT NULL,
    "certDigest" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "CaCertificate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Service_clientCertificateId_idx" ON "Service"("clientCertificateId");

-- CreateIndex
CREATE UNIQUE INDEX "Sni_name_key" ON "Sni"("name");

-- CreateIndex
CREATE INDEX "Sni_certificateId_idx" ON "Sni"("certificateId");

-- CreateIndex
CREATE UNIQUE INDEX "CaCertificate_certDigest_key" ON "CaCertificate"("certDigest");

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_clientCertificateId_fkey" FOREIGN KEY ("clientCertificateId") REFERENCES "Certificate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sni" ADD CONSTRAINT "Sni_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE CASCADE ON UPDATE CASCADE;
