-- Full-text search over menu items (SQLite FTS5), kept in step with `items` by triggers.
-- Hand-written: drizzle's schema cannot declare virtual tables or triggers.
CREATE VIRTUAL TABLE `items_fts` USING fts5(
	`item_id` UNINDEXED,
	`location_slug` UNINDEXED,
	`name`,
	`description`,
	`tags`,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_insert` AFTER INSERT ON `items` BEGIN
	INSERT INTO `items_fts` (`item_id`, `location_slug`, `name`, `description`, `tags`)
	VALUES (new.`id`, new.`location_slug`, new.`name`, new.`description`,
		replace(replace(replace(new.`dietary_tags`, '"', ' '), '_', ' '), ',', ' '));
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_update` AFTER UPDATE OF `name`, `description`, `dietary_tags` ON `items` BEGIN
	DELETE FROM `items_fts` WHERE `item_id` = old.`id`;
	INSERT INTO `items_fts` (`item_id`, `location_slug`, `name`, `description`, `tags`)
	VALUES (new.`id`, new.`location_slug`, new.`name`, new.`description`,
		replace(replace(replace(new.`dietary_tags`, '"', ' '), '_', ' '), ',', ' '));
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_delete` AFTER DELETE ON `items` BEGIN
	DELETE FROM `items_fts` WHERE `item_id` = old.`id`;
END;
