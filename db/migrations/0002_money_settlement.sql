CREATE TABLE `credit_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`funder_organisation_id` integer NOT NULL,
	`order_id` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`reason` text NOT NULL,
	`transaction_id` integer NOT NULL,
	`created_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`funder_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_notes_amount_check" CHECK("credit_notes"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_number_unique` ON `credit_notes` (`number`);--> statement-breakpoint
CREATE INDEX `credit_notes_funder_idx` ON `credit_notes` (`funder_organisation_id`);--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`settlement_id` integer NOT NULL,
	`place_id` integer NOT NULL,
	`month` text NOT NULL,
	`services` integer NOT NULL,
	`gross_cents` integer NOT NULL,
	`fees_cents` integer NOT NULL,
	`net_cents` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`payment_reference` text,
	`paid_on` text,
	`paid_by_user_id` integer,
	`transaction_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`settlement_id`) REFERENCES `settlements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`paid_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payouts_amounts_check" CHECK("payouts"."fees_cents" >= 0 and "payouts"."net_cents" = "payouts"."gross_cents" - "payouts"."fees_cents" and "payouts"."net_cents" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_settlement_place_uq` ON `payouts` (`settlement_id`,`place_id`);--> statement-breakpoint
CREATE INDEX `payouts_place_idx` ON `payouts` (`place_id`,`month`);--> statement-breakpoint
CREATE TABLE `settlements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`run_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`run_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `settlements_month_unique` ON `settlements` (`month`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_events_subject_idx` ON `audit_events` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `audit_parties` (
	`event_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	PRIMARY KEY(`event_id`, `organisation_id`),
	FOREIGN KEY (`event_id`) REFERENCES `audit_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_parties_organisation_idx` ON `audit_parties` (`organisation_id`,`event_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_ledger_accounts` (
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
	CONSTRAINT "ledger_accounts_ringfence_check" CHECK("__new_ledger_accounts"."kind" not in ('order_ringfence', 'place', 'funder_credit') or "__new_ledger_accounts"."balance_cents" >= 0),
	CONSTRAINT "ledger_accounts_one_owner_check" CHECK(("__new_ledger_accounts"."organisation_id" is not null) + ("__new_ledger_accounts"."order_id" is not null) + ("__new_ledger_accounts"."place_id" is not null) = 1)
);
--> statement-breakpoint
INSERT INTO `__new_ledger_accounts`("id", "kind", "key", "organisation_id", "order_id", "place_id", "balance_cents", "created_at") SELECT "id", "kind", "key", "organisation_id", "order_id", "place_id", "balance_cents", "created_at" FROM `ledger_accounts`;--> statement-breakpoint
DROP TABLE `ledger_accounts`;--> statement-breakpoint
ALTER TABLE `__new_ledger_accounts` RENAME TO `ledger_accounts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_key_unique` ON `ledger_accounts` (`key`);--> statement-breakpoint
CREATE TABLE `__new_order_fundings` (
	`order_id` integer NOT NULL,
	`funder_organisation_id` integer NOT NULL,
	`committed_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`credited_cents` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`order_id`, `funder_organisation_id`),
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`funder_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_fundings_amount_check" CHECK("__new_order_fundings"."committed_cents" >= 0),
	CONSTRAINT "order_fundings_paid_check" CHECK("__new_order_fundings"."paid_cents" between 0 and "__new_order_fundings"."committed_cents"),
	CONSTRAINT "order_fundings_credited_check" CHECK("__new_order_fundings"."credited_cents" between 0 and "__new_order_fundings"."paid_cents")
);
--> statement-breakpoint
INSERT INTO `__new_order_fundings`("order_id", "funder_organisation_id", "committed_cents", "paid_cents", "credited_cents", "created_at") SELECT "order_id", "funder_organisation_id", "committed_cents", "paid_cents", 0, "created_at" FROM `order_fundings`;--> statement-breakpoint
DROP TABLE `order_fundings`;--> statement-breakpoint
ALTER TABLE `__new_order_fundings` RENAME TO `order_fundings`;--> statement-breakpoint
CREATE INDEX `order_fundings_funder_idx` ON `order_fundings` (`funder_organisation_id`);--> statement-breakpoint
ALTER TABLE `service_orders` ADD `grace_ends_on` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `service_orders` SET `grace_ends_on` = min(date(`delivery_ends_on`, '+1 month'), date(`delivery_ends_on`, 'start of month', '+2 months', '-1 day'));--> statement-breakpoint
ALTER TABLE `service_orders` ADD `closed_at` text;--> statement-breakpoint
ALTER TABLE `awards` ADD `released_quantity` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `payout_id` integer;--> statement-breakpoint
CREATE INDEX `deliveries_payout_idx` ON `deliveries` (`payout_id`,`place_id`);--> statement-breakpoint
ALTER TABLE `ledger_transactions` ADD `created_by_user_id` integer REFERENCES users(id);--> statement-breakpoint
CREATE TABLE `__new_place_year_figures` (
	`place_id` integer NOT NULL,
	`year` integer NOT NULL,
	`services_delivered` integer DEFAULT 0 NOT NULL,
	`revenue_delivered_cents` integer DEFAULT 0 NOT NULL,
	`revenue_committed_cents` integer DEFAULT 0 NOT NULL,
	`services_committed` integer DEFAULT 0 NOT NULL,
	`revenue_settled_cents` integer DEFAULT 0 NOT NULL,
	`revenue_paid_cents` integer DEFAULT 0 NOT NULL,
	`beneficiaries` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`place_id`, `year`),
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "place_year_figures_services_check" CHECK("__new_place_year_figures"."services_delivered" >= 0),
	CONSTRAINT "place_year_figures_delivered_check" CHECK("__new_place_year_figures"."revenue_delivered_cents" >= 0),
	CONSTRAINT "place_year_figures_committed_check" CHECK("__new_place_year_figures"."revenue_committed_cents" >= 0),
	CONSTRAINT "place_year_figures_beneficiaries_check" CHECK("__new_place_year_figures"."beneficiaries" >= 0),
	CONSTRAINT "place_year_figures_services_committed_check" CHECK("__new_place_year_figures"."services_committed" >= 0),
	CONSTRAINT "place_year_figures_settled_check" CHECK("__new_place_year_figures"."revenue_paid_cents" between 0 and "__new_place_year_figures"."revenue_settled_cents")
);
--> statement-breakpoint
INSERT INTO `__new_place_year_figures`("place_id", "year", "services_delivered", "revenue_delivered_cents", "revenue_committed_cents", "services_committed", "revenue_settled_cents", "revenue_paid_cents", "beneficiaries", "updated_at") SELECT "place_id", "year", "services_delivered", "revenue_delivered_cents", "revenue_committed_cents", "services_committed", 0, 0, "beneficiaries", "updated_at" FROM `place_year_figures`;--> statement-breakpoint
DROP TABLE `place_year_figures`;--> statement-breakpoint
ALTER TABLE `__new_place_year_figures` RENAME TO `place_year_figures`;--> statement-breakpoint
CREATE INDEX `place_year_figures_year_idx` ON `place_year_figures` (`year`);