CREATE TABLE `item_demand_forecasts` (
	`location_slug` text NOT NULL,
	`item_id` text NOT NULL,
	`date` text NOT NULL,
	`predicted` real NOT NULL,
	`lower80` real NOT NULL,
	`upper80` real NOT NULL,
	`lower95` real NOT NULL,
	`upper95` real NOT NULL,
	`model` text NOT NULL,
	`mase` real,
	`generated_at` text NOT NULL,
	PRIMARY KEY(`location_slug`, `item_id`, `date`)
);
--> statement-breakpoint
ALTER TABLE `locations` ADD `slot_capacity_orders` integer;--> statement-breakpoint
ALTER TABLE `locations` ADD `slot_capacity_units` integer;