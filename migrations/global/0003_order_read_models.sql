CREATE TABLE `customer_order_history` (
	`customer_ref` text NOT NULL,
	`order_id` text NOT NULL,
	`location_slug` text NOT NULL,
	`placed_at` text NOT NULL,
	`status` text NOT NULL,
	`total_minor` integer NOT NULL,
	`currency` text NOT NULL,
	PRIMARY KEY(`customer_ref`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `customer_order_history_recent_idx` ON `customer_order_history` (`customer_ref`,`placed_at`);--> statement-breakpoint
CREATE INDEX `customer_order_history_order_idx` ON `customer_order_history` (`order_id`);--> statement-breakpoint
CREATE TABLE `daily_category_sales` (
	`location_slug` text NOT NULL,
	`business_date` text NOT NULL,
	`category_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`orders` integer NOT NULL,
	`revenue_minor` integer NOT NULL,
	`currency` text NOT NULL,
	PRIMARY KEY(`location_slug`, `business_date`, `category_id`)
);
--> statement-breakpoint
CREATE TABLE `daily_item_sales` (
	`location_slug` text NOT NULL,
	`business_date` text NOT NULL,
	`item_id` text NOT NULL,
	`category_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`orders` integer NOT NULL,
	`revenue_minor` integer NOT NULL,
	`currency` text NOT NULL,
	PRIMARY KEY(`location_slug`, `business_date`, `item_id`)
);
--> statement-breakpoint
CREATE TABLE `daily_location_sales` (
	`location_slug` text NOT NULL,
	`business_date` text NOT NULL,
	`orders` integer NOT NULL,
	`revenue_minor` integer NOT NULL,
	`currency` text NOT NULL,
	PRIMARY KEY(`location_slug`, `business_date`)
);
--> statement-breakpoint
CREATE TABLE `item_pairs` (
	`location_slug` text NOT NULL,
	`item_a` text NOT NULL,
	`item_b` text NOT NULL,
	`orders_together` integer NOT NULL,
	PRIMARY KEY(`location_slug`, `item_a`, `item_b`)
);
--> statement-breakpoint
CREATE TABLE `order_lines` (
	`order_id` text NOT NULL,
	`line_id` text NOT NULL,
	`position` integer NOT NULL,
	`item_id` text NOT NULL,
	`category_id` text NOT NULL,
	`name` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`line_total_minor` integer NOT NULL,
	`options` text NOT NULL,
	`note` text,
	PRIMARY KEY(`order_id`, `line_id`)
);
--> statement-breakpoint
CREATE TABLE `order_status_history` (
	`order_id` text NOT NULL,
	`sequence` integer NOT NULL,
	`status` text NOT NULL,
	`occurred_at` text NOT NULL,
	`estimated_ready_at` text,
	`reason` text,
	PRIMARY KEY(`order_id`, `sequence`)
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`location_slug` text NOT NULL,
	`status` text NOT NULL,
	`fulfilment` text NOT NULL,
	`customer_ref` text,
	`contact_name` text NOT NULL,
	`contact_email` text NOT NULL,
	`contact_phone` text NOT NULL,
	`delivery_address` text,
	`requested_for` text,
	`currency` text NOT NULL,
	`subtotal_minor` integer NOT NULL,
	`tax_minor` integer NOT NULL,
	`tax_included` integer NOT NULL,
	`delivery_fee_minor` integer NOT NULL,
	`tip_minor` integer NOT NULL,
	`total_minor` integer NOT NULL,
	`placed_at` text NOT NULL,
	`business_date` text NOT NULL,
	`estimated_ready_at` text,
	`confirmed_at` text,
	`ready_at` text,
	`completed_at` text,
	`cancel_reason` text,
	`counted_in_sales` integer DEFAULT true NOT NULL,
	`last_sequence` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_location_status_idx` ON `orders` (`location_slug`,`status`,`placed_at`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`sequence` integer NOT NULL,
	`processed_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `processed_events_stream_idx` ON `processed_events` (`order_id`,`sequence`);