CREATE TABLE `delivery_import_rows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`import_id` integer NOT NULL,
	`line` integer NOT NULL,
	`idempotency_key` text,
	`status` text NOT NULL,
	`field` text,
	`message` text DEFAULT '' NOT NULL,
	`delivery_id` integer,
	FOREIGN KEY (`import_id`) REFERENCES `delivery_imports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "delivery_import_rows_status_check" CHECK("delivery_import_rows"."status" in ('accepted', 'duplicate', 'refused'))
);
--> statement-breakpoint
CREATE INDEX `delivery_import_rows_import_idx` ON `delivery_import_rows` (`import_id`,`line`);--> statement-breakpoint
CREATE TABLE `delivery_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	`file_name` text NOT NULL,
	`status` text DEFAULT 'processing' NOT NULL,
	`total_rows` integer NOT NULL,
	`processed_rows` integer DEFAULT 0 NOT NULL,
	`accepted` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`refused` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "delivery_imports_status_check" CHECK("delivery_imports"."status" in ('processing', 'done', 'interrupted', 'failed')),
	CONSTRAINT "delivery_imports_counts_check" CHECK("delivery_imports"."processed_rows" = "delivery_imports"."accepted" + "delivery_imports"."duplicates" + "delivery_imports"."refused" and "delivery_imports"."processed_rows" <= "delivery_imports"."total_rows")
);
--> statement-breakpoint
CREATE INDEX `delivery_imports_organisation_idx` ON `delivery_imports` (`organisation_id`,`id`);