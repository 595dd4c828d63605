CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`locale` text DEFAULT 'fr' NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`user_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `organisation_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `memberships_organisation_idx` ON `memberships` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`siret` text,
	`funder_kind` text,
	`departement_code` text,
	`commune_code` text,
	`created_at` text NOT NULL,
	CONSTRAINT "organisations_kind_check" CHECK("organisations"."kind" in ('funder', 'actor', 'partnership', 'operator')),
	CONSTRAINT "organisations_funder_kind_check" CHECK(("organisations"."kind" = 'funder') = ("organisations"."funder_kind" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_siret_unique` ON `organisations` (`siret`);--> statement-breakpoint
CREATE INDEX `organisations_kind_idx` ON `organisations` (`kind`);--> statement-breakpoint
CREATE TABLE `place_communes` (
	`place_id` integer NOT NULL,
	`commune_code` text NOT NULL,
	PRIMARY KEY(`place_id`, `commune_code`),
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `place_communes_commune_idx` ON `place_communes` (`commune_code`);--> statement-breakpoint
CREATE TABLE `place_status_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`place_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text NOT NULL,
	`decided_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `place_status_events_place_idx` ON `place_status_events` (`place_id`);--> statement-breakpoint
CREATE TABLE `places` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`main_commune_code` text NOT NULL,
	`departement_code` text NOT NULL,
	`address` text,
	`yearly_capacity` integer NOT NULL,
	`services` text NOT NULL,
	`legal_representative` text,
	`eligibility` text,
	`status` text DEFAULT 'applied' NOT NULL,
	`status_reason` text,
	`applied_at` text NOT NULL,
	`qualified_at` text,
	`suspended_at` text,
	`quality_score` integer DEFAULT 50 NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "places_capacity_check" CHECK("places"."yearly_capacity" >= 0),
	CONSTRAINT "places_quality_check" CHECK("places"."quality_score" between 0 and 100),
	CONSTRAINT "places_mode_check" CHECK("places"."mode" in ('fixed', 'itinerant', 'home')),
	CONSTRAINT "places_status_check" CHECK("places"."status" in ('applied', 'qualified', 'rejected', 'suspended')),
	CONSTRAINT "places_qualified_date_check" CHECK("places"."status" not in ('qualified', 'suspended') or "places"."qualified_at" is not null)
);
--> statement-breakpoint
CREATE INDEX `places_organisation_idx` ON `places` (`organisation_id`);--> statement-breakpoint
CREATE INDEX `places_departement_status_idx` ON `places` (`departement_code`,`status`);--> statement-breakpoint
CREATE TABLE `partnership_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`partnership_id` integer NOT NULL,
	`place_id` integer NOT NULL,
	`status` text DEFAULT 'invited' NOT NULL,
	`invited_at` text NOT NULL,
	`joined_at` text,
	`left_at` text,
	FOREIGN KEY (`partnership_id`) REFERENCES `partnerships`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partnership_members_place_uq` ON `partnership_members` (`partnership_id`,`place_id`);--> statement-breakpoint
CREATE INDEX `partnership_members_place_idx` ON `partnership_members` (`place_id`);--> statement-breakpoint
CREATE TABLE `partnerships` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`kind` text NOT NULL,
	`lead_organisation_id` integer NOT NULL,
	`pooling_fee_bps` integer DEFAULT 0 NOT NULL,
	`departement_codes` text NOT NULL,
	`charter` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "partnerships_fee_check" CHECK("partnerships"."pooling_fee_bps" between 0 and 3000),
	CONSTRAINT "partnerships_kind_check" CHECK("partnerships"."kind" in ('cae', 'local', 'consortium'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partnerships_organisation_id_unique` ON `partnerships` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `funding_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`operator_organisation_id` integer NOT NULL,
	`name` text NOT NULL,
	`departement_codes` text NOT NULL,
	`opens_on` text NOT NULL,
	`closes_on` text NOT NULL,
	`target_cents` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`operator_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "funding_rounds_target_check" CHECK("funding_rounds"."target_cents" >= 0),
	CONSTRAINT "funding_rounds_dates_check" CHECK("funding_rounds"."opens_on" <= "funding_rounds"."closes_on")
);
--> statement-breakpoint
CREATE TABLE `order_fundings` (
	`order_id` integer NOT NULL,
	`funder_organisation_id` integer NOT NULL,
	`committed_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`order_id`, `funder_organisation_id`),
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`funder_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_fundings_amount_check" CHECK("order_fundings"."committed_cents" >= 0),
	CONSTRAINT "order_fundings_paid_check" CHECK("order_fundings"."paid_cents" between 0 and "order_fundings"."committed_cents")
);
--> statement-breakpoint
CREATE INDEX `order_fundings_funder_idx` ON `order_fundings` (`funder_organisation_id`);--> statement-breakpoint
CREATE TABLE `service_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`funder_organisation_id` integer NOT NULL,
	`round_id` integer,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`services` text NOT NULL,
	`departement_codes` text NOT NULL,
	`commune_codes` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_cents` integer DEFAULT 1000 NOT NULL,
	`target_people` integer DEFAULT 0 NOT NULL,
	`bid_deadline` text NOT NULL,
	`delivery_starts_on` text NOT NULL,
	`delivery_ends_on` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`published_at` text,
	`created_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`funder_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`round_id`) REFERENCES `funding_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "service_orders_quantity_check" CHECK("service_orders"."quantity" > 0),
	CONSTRAINT "service_orders_price_check" CHECK("service_orders"."unit_price_cents" >= 0),
	CONSTRAINT "service_orders_people_check" CHECK("service_orders"."target_people" >= 0),
	CONSTRAINT "service_orders_window_check" CHECK("service_orders"."delivery_starts_on" <= "service_orders"."delivery_ends_on")
);
--> statement-breakpoint
CREATE INDEX `service_orders_funder_idx` ON `service_orders` (`funder_organisation_id`);--> statement-breakpoint
CREATE INDEX `service_orders_round_idx` ON `service_orders` (`round_id`);--> statement-breakpoint
CREATE INDEX `service_orders_status_idx` ON `service_orders` (`status`);--> statement-breakpoint
CREATE TABLE `awards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`bid_id` integer NOT NULL,
	`place_id` integer NOT NULL,
	`partnership_id` integer,
	`quantity` integer NOT NULL,
	`unit_price_cents` integer NOT NULL,
	`delivered_quantity` integer DEFAULT 0 NOT NULL,
	`year` integer NOT NULL,
	`awarded_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`bid_id`) REFERENCES `bids`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`partnership_id`) REFERENCES `partnerships`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`awarded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "awards_quantity_check" CHECK("awards"."quantity" >= 0),
	CONSTRAINT "awards_price_check" CHECK("awards"."unit_price_cents" >= 0),
	CONSTRAINT "awards_delivered_check" CHECK("awards"."delivered_quantity" between 0 and "awards"."quantity")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `awards_bid_place_uq` ON `awards` (`bid_id`,`place_id`);--> statement-breakpoint
CREATE INDEX `awards_order_idx` ON `awards` (`order_id`);--> statement-breakpoint
CREATE INDEX `awards_place_idx` ON `awards` (`place_id`);--> statement-breakpoint
CREATE TABLE `bid_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bid_id` integer NOT NULL,
	`place_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`confirmed` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`bid_id`) REFERENCES `bids`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bid_lines_quantity_check" CHECK("bid_lines"."quantity" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bid_lines_bid_place_uq` ON `bid_lines` (`bid_id`,`place_id`);--> statement-breakpoint
CREATE INDEX `bid_lines_place_idx` ON `bid_lines` (`place_id`);--> statement-breakpoint
CREATE TABLE `bids` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`bidder_organisation_id` integer NOT NULL,
	`partnership_id` integer,
	`unit_price_cents` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`submitted_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`bidder_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`partnership_id`) REFERENCES `partnerships`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bids_price_check" CHECK("bids"."unit_price_cents" >= 0),
	CONSTRAINT "bids_version_check" CHECK("bids"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bids_order_bidder_uq` ON `bids` (`order_id`,`bidder_organisation_id`);--> statement-breakpoint
CREATE INDEX `bids_bidder_idx` ON `bids` (`bidder_organisation_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idempotency_key` text NOT NULL,
	`award_id` integer NOT NULL,
	`order_id` integer NOT NULL,
	`place_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`service` text NOT NULL,
	`delivered_on` text NOT NULL,
	`beneficiary_ref` text NOT NULL,
	`recorded_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`award_id`) REFERENCES `awards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "deliveries_quantity_check" CHECK("deliveries"."quantity" > 0),
	CONSTRAINT "deliveries_amount_check" CHECK("deliveries"."amount_cents" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_idempotency_key_unique` ON `deliveries` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `deliveries_place_date_idx` ON `deliveries` (`place_id`,`delivered_on`);--> statement-breakpoint
CREATE INDEX `deliveries_award_idx` ON `deliveries` (`award_id`);--> statement-breakpoint
CREATE INDEX `deliveries_order_idx` ON `deliveries` (`order_id`);--> statement-breakpoint
CREATE TABLE `ledger_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`organisation_id` integer,
	`order_id` integer,
	`place_id` integer,
	`balance_cents` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_accounts_ringfence_check" CHECK("ledger_accounts"."kind" <> 'order_ringfence' or "ledger_accounts"."balance_cents" >= 0),
	CONSTRAINT "ledger_accounts_one_owner_check" CHECK(("ledger_accounts"."organisation_id" is not null) + ("ledger_accounts"."order_id" is not null) + ("ledger_accounts"."place_id" is not null) = 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_key_unique` ON `ledger_accounts` (`key`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transaction_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_entries_nonzero_check" CHECK("ledger_entries"."amount_cents" <> 0)
);
--> statement-breakpoint
CREATE INDEX `ledger_entries_transaction_idx` ON `ledger_entries` (`transaction_id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_account_idx` ON `ledger_entries` (`account_id`,`amount_cents`);--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`order_id` integer,
	`delivery_id` integer,
	`idempotency_key` text,
	`reference` text,
	`memo` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_idempotency_key_unique` ON `ledger_transactions` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_order_idx` ON `ledger_transactions` (`order_id`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_delivery_idx` ON `ledger_transactions` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `departement_year_figures` (
	`departement_code` text NOT NULL,
	`year` integer NOT NULL,
	`funding_cents` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`departement_code`, `year`),
	CONSTRAINT "departement_year_figures_funding_check" CHECK("departement_year_figures"."funding_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE `place_year_beneficiaries` (
	`place_id` integer NOT NULL,
	`year` integer NOT NULL,
	`beneficiary_ref` text NOT NULL,
	PRIMARY KEY(`place_id`, `year`, `beneficiary_ref`),
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `place_year_figures` (
	`place_id` integer NOT NULL,
	`year` integer NOT NULL,
	`services_delivered` integer DEFAULT 0 NOT NULL,
	`revenue_delivered_cents` integer DEFAULT 0 NOT NULL,
	`revenue_committed_cents` integer DEFAULT 0 NOT NULL,
	`services_committed` integer DEFAULT 0 NOT NULL,
	`beneficiaries` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`place_id`, `year`),
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "place_year_figures_services_check" CHECK("place_year_figures"."services_delivered" >= 0),
	CONSTRAINT "place_year_figures_delivered_check" CHECK("place_year_figures"."revenue_delivered_cents" >= 0),
	CONSTRAINT "place_year_figures_committed_check" CHECK("place_year_figures"."revenue_committed_cents" >= 0),
	CONSTRAINT "place_year_figures_beneficiaries_check" CHECK("place_year_figures"."beneficiaries" >= 0),
	CONSTRAINT "place_year_figures_services_committed_check" CHECK("place_year_figures"."services_committed" >= 0)
);
--> statement-breakpoint
CREATE INDEX `place_year_figures_year_idx` ON `place_year_figures` (`year`);