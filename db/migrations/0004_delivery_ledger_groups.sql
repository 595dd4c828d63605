CREATE TABLE `__new_deliveries` (
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
	`payout_id` integer,
	`ledger_transaction_id` integer,
	`pooling_fee_cents` integer DEFAULT 0 NOT NULL,
	`fee_transaction_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`award_id`) REFERENCES `awards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ledger_transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`fee_transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "deliveries_quantity_check" CHECK("__new_deliveries"."quantity" > 0),
	CONSTRAINT "deliveries_amount_check" CHECK("__new_deliveries"."amount_cents" >= 0),
	CONSTRAINT "deliveries_pooling_fee_check" CHECK("__new_deliveries"."pooling_fee_cents" between 0 and "__new_deliveries"."amount_cents")
);
--> statement-breakpoint
-- Each existing delivery keeps the transaction that paid it and the pooling fee it paid, if any.
INSERT INTO `__new_deliveries`("id", "idempotency_key", "award_id", "order_id", "place_id", "quantity", "amount_cents", "service", "delivered_on", "beneficiary_ref", "recorded_by_user_id", "payout_id", "ledger_transaction_id", "pooling_fee_cents", "fee_transaction_id", "created_at")
SELECT d."id", d."idempotency_key", d."award_id", d."order_id", d."place_id", d."quantity", d."amount_cents", d."service", d."delivered_on", d."beneficiary_ref", d."recorded_by_user_id", d."payout_id",
  (SELECT t."id" FROM `ledger_transactions` t WHERE t."delivery_id" = d."id" AND t."kind" = 'delivery'),
  coalesce((SELECT e."amount_cents" FROM `ledger_transactions` t JOIN `ledger_entries` e ON e."transaction_id" = t."id"
            JOIN `ledger_accounts` a ON a."id" = e."account_id" AND a."kind" = 'partnership'
            WHERE t."delivery_id" = d."id" AND t."kind" = 'pooling_fee'), 0),
  (SELECT t."id" FROM `ledger_transactions` t WHERE t."delivery_id" = d."id" AND t."kind" = 'pooling_fee'),
  d."created_at"
FROM `deliveries` d;--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_idempotency_key_unique` ON `deliveries` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `deliveries_payout_idx` ON `deliveries` (`payout_id`,`place_id`);--> statement-breakpoint
CREATE INDEX `deliveries_place_date_idx` ON `deliveries` (`place_id`,`delivered_on`);--> statement-breakpoint
CREATE INDEX `deliveries_award_idx` ON `deliveries` (`award_id`);--> statement-breakpoint
CREATE INDEX `deliveries_order_idx` ON `deliveries` (`order_id`);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_ledger_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`order_id` integer,
	`idempotency_key` text,
	`reference` text,
	`memo` text DEFAULT '' NOT NULL,
	`created_by_user_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `service_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_ledger_transactions`("id", "kind", "order_id", "idempotency_key", "reference", "memo", "created_by_user_id", "created_at") SELECT "id", "kind", "order_id", "idempotency_key", "reference", "memo", "created_by_user_id", "created_at" FROM `ledger_transactions`;--> statement-breakpoint
DROP TABLE `ledger_transactions`;--> statement-breakpoint
ALTER TABLE `__new_ledger_transactions` RENAME TO `ledger_transactions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_idempotency_key_unique` ON `ledger_transactions` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_order_idx` ON `ledger_transactions` (`order_id`);
