-- CreateTable
CREATE TABLE "KpiEvent" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "userId" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "properties" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "KpiEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KpiEvent_name_occurredAt_idx" ON "KpiEvent"("name", "occurredAt");

-- CreateIndex
CREATE INDEX "KpiEvent_occurredAt_idx" ON "KpiEvent"("occurredAt");

-- CreateIndex
CREATE INDEX "KpiEvent_userId_idx" ON "KpiEvent"("userId");

