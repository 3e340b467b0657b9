CREATE TABLE `alert_incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`alert` text NOT NULL,
	`opened_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`resolved_at` text,
	`summary` text NOT NULL,
	`notified_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_incidents_open_idx` ON `alert_incidents` (`alert`) WHERE resolved_at IS NULL;--> statement-breakpoint
CREATE INDEX `alert_incidents_opened_idx` ON `alert_incidents` (`opened_at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `synthetic` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `synthetic` integer DEFAULT false NOT NULL;