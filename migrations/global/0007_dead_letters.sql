-- Order events whose queue retries ran out, kept by the order-events dead-letter consumer
-- so an operator can see why and replay them (README, operations runbook).
CREATE TABLE `dead_letters` (
	`queue` text NOT NULL,
	`message_id` text NOT NULL,
	`event_id` text,
	`order_id` text,
	`event_type` text,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer NOT NULL,
	`dead_at` text NOT NULL,
	`replayed_at` text,
	PRIMARY KEY(`queue`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `dead_letters_pending_idx` ON `dead_letters` (`replayed_at`,`dead_at`);--> statement-breakpoint
CREATE INDEX `dead_letters_order_idx` ON `dead_letters` (`order_id`);
