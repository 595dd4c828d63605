CREATE TABLE `account_invitations` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	`expires_at` text NOT NULL,
	`accepted_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `account_invitations_user_idx` ON `account_invitations` (`user_id`);--> statement-breakpoint
CREATE TABLE `pass_booklets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`number` integer NOT NULL,
	`size` integer NOT NULL,
	`prescriber_organisation_id` integer,
	`assigned_at` text,
	`handed_out_on` text,
	`handed_out_category` text,
	`handed_out_by_user_id` integer,
	`created_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prescriber_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handed_out_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pass_booklets_size_check" CHECK("pass_booklets"."size" between 1 and 100),
	CONSTRAINT "pass_booklets_handed_out_check" CHECK("pass_booklets"."handed_out_on" is null or "pass_booklets"."prescriber_organisation_id" is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pass_booklets_order_number_idx` ON `pass_booklets` (`order_id`,`number`);--> statement-breakpoint
CREATE INDEX `pass_booklets_prescriber_idx` ON `pass_booklets` (`prescriber_organisation_id`);--> statement-breakpoint
CREATE TABLE `passes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booklet_id` integer NOT NULL,
	`order_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`code_sealed` text NOT NULL,
	`delivery_id` integer,
	`redeemed_at` text,
	FOREIGN KEY (`booklet_id`) REFERENCES `pass_booklets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `passes_code_hash_unique` ON `passes` (`code_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `passes_delivery_id_unique` ON `passes` (`delivery_id`);--> statement-breakpoint
CREATE INDEX `passes_booklet_idx` ON `passes` (`booklet_id`);--> statement-breakpoint
CREATE INDEX `passes_order_idx` ON `passes` (`order_id`,`delivery_id`);--> statement-breakpoint
CREATE TABLE `prescribers` (
	`organisation_id` integer PRIMARY KEY NOT NULL,
	`funder_organisation_id` integer NOT NULL,
	`contact_name` text NOT NULL,
	`contact_email` text NOT NULL,
	`created_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`funder_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `prescribers_funder_idx` ON `prescribers` (`funder_organisation_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`siret` text,
	`funder_kind` text,
	`departement_code` text,
	`commune_code` text,
	`created_at` text NOT NULL,
	CONSTRAINT "organisations_kind_check" CHECK("__new_organisations"."kind" in ('funder', 'actor', 'partnership', 'operator', 'prescriber')),
	CONSTRAINT "organisations_funder_kind_check" CHECK(("__new_organisations"."kind" = 'funder') = ("__new_organisations"."funder_kind" is not null))
);
--> statement-breakpoint
INSERT INTO `__new_organisations`("id", "kind", "name", "siret", "funder_kind", "departement_code", "commune_code", "created_at") SELECT "id", "kind", "name", "siret", "funder_kind", "departement_code", "commune_code", "created_at" FROM `organisations`;--> statement-breakpoint
DROP TABLE `organisations`;--> statement-breakpoint
ALTER TABLE `__new_organisations` RENAME TO `organisations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_siret_unique` ON `organisations` (`siret`);--> statement-breakpoint
CREATE INDEX `organisations_kind_idx` ON `organisations` (`kind`);--> statement-breakpoint
ALTER TABLE `service_orders` ADD `pass_required` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `proof` text DEFAULT 'declared' NOT NULL;