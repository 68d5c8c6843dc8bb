-- The distribution column (provider_id) leads every primary key, as Citus requires of a
-- distributed table's unique keys (docs/scaling.md). The ids stay random UUIDs.
ALTER TABLE "analytics_cache" DROP CONSTRAINT "analytics_cache_pkey";--> statement-breakpoint
ALTER TABLE "analytics_cache" ADD CONSTRAINT "analytics_cache_pkey" PRIMARY KEY("provider_id","id");--> statement-breakpoint
ALTER TABLE "claims" DROP CONSTRAINT "claims_pkey";--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_pkey" PRIMARY KEY("provider_id","id");
