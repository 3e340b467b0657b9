CREATE TABLE `account_links` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`account_id` text,
	`email` text NOT NULL,
	`token_hash` text NOT NULL,
	`grant` text,
	`created_by` text,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_links_token_idx` ON `account_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `account_links_email_idx` ON `account_links` (`email`,`purpose`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`location_slug` text,
	`status` integer NOT NULL,
	`before` text,
	`after` text,
	`request_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_location_idx` ON `audit_log` (`location_slug`,`at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `email_verified_at` text;--> statement-breakpoint
ALTER TABLE `locations` ADD `closures` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `locations` ADD `ordering_paused_at` text;--> statement-breakpoint
ALTER TABLE `locations` ADD `ordering_paused_reason` text;--> statement-breakpoint
-- Accounts that existed before verification are taken as verified: they keep their saved addresses.
UPDATE `accounts` SET `email_verified_at` = `created_at`;--> statement-breakpoint
-- The audit log is append-only: no statement, the application's included, may change or remove an entry.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
	SELECT RAISE(ABORT, 'audit_log entries never change');
END;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
	SELECT RAISE(ABORT, 'audit_log entries are never removed');
END;
