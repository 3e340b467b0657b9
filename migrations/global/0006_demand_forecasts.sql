CREATE TABLE `demand_forecasts` (
	`location_slug` text NOT NULL,
	`category_id` text NOT NULL,
	`date` text NOT NULL,
	`predicted` real NOT NULL,
	`lower80` real NOT NULL,
	`upper80` real NOT NULL,
	`lower95` real NOT NULL,
	`upper95` real NOT NULL,
	`model` text NOT NULL,
	`mase` real,
	`generated_at` text NOT NULL,
	PRIMARY KEY(`location_slug`, `category_id`, `date`)
);
