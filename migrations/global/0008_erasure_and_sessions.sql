CREATE TABLE `account_tombstones` (
	`account_id` text PRIMARY KEY NOT NULL,
	`erased_at` text NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`completed_at` text
);
--> statement-breakpoint
CREATE TABLE `erasure_orders` (
	`account_id` text NOT NULL,
	`order_id` text NOT NULL,
	`forgotten_at` text,
	PRIMARY KEY(`account_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `erasure_orders_pending_idx` ON `erasure_orders` (`forgotten_at`,`account_id`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_account_idx` ON `refresh_tokens` (`account_id`,`created_at`);