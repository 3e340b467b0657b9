-- The status history becomes the projections' idempotency ledger (one row per event applied), so
-- projecting an event no longer writes a separate processed_events row. Rows already projected
-- take their event id from the old ledger.
ALTER TABLE `order_status_history` ADD `event_id` text;--> statement-breakpoint
UPDATE `order_status_history` SET `event_id` = (SELECT `event_id` FROM `processed_events` WHERE `processed_events`.`order_id` = `order_status_history`.`order_id` AND `processed_events`.`sequence` = `order_status_history`.`sequence`);--> statement-breakpoint
CREATE UNIQUE INDEX `order_status_history_event_idx` ON `order_status_history` (`event_id`);
