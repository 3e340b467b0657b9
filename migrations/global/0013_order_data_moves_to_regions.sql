-- Order data moves to a database per region (migrations/regional); the global database keeps the
-- catalogue, accounts, webhooks and forecasts. No deployment had order data here (the staging and
-- production databases were not yet created); a local database is re-seeded by `npm run dev`.
-- contract: drops view daily_location_sales; moved to the regional databases before any deployed database existed
-- contract: drops tables customer_order_history, daily_category_sales, daily_item_sales, dead_letters, erasure_orders, item_pairs, notification_log, order_lines, order_status_history, orders, processed_events; moved to the regional databases before any deployed database existed
DROP VIEW `daily_location_sales`;--> statement-breakpoint
DROP TABLE `customer_order_history`;--> statement-breakpoint
DROP TABLE `daily_category_sales`;--> statement-breakpoint
DROP TABLE `daily_item_sales`;--> statement-breakpoint
DROP TABLE `dead_letters`;--> statement-breakpoint
DROP TABLE `erasure_orders`;--> statement-breakpoint
DROP TABLE `item_pairs`;--> statement-breakpoint
DROP TABLE `notification_log`;--> statement-breakpoint
DROP TABLE `order_lines`;--> statement-breakpoint
DROP TABLE `order_status_history`;--> statement-breakpoint
DROP TABLE `orders`;--> statement-breakpoint
DROP TABLE `processed_events`;--> statement-breakpoint
-- Every location has a region; one that predates regions gets the one its country is served from
-- (the demo's three), any other '' until an admin sets it (no cart opens at it until then).
ALTER TABLE `locations` ADD `region` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `locations` SET `region` = CASE `country` WHEN 'GB' THEN 'eu' WHEN 'US' THEN 'us' WHEN 'JP' THEN 'apac' ELSE '' END;
