-- Search in every language a menu is written in, Japanese included. FTS5's unicode61 tokenizer
-- splits words at spaces, which Japanese does not use, so `サンド` never found `たまごサンド`; the
-- trigram tokenizer indexes every three-character substring instead. Each item's row now holds its
-- name and description in the default language and in every translation.
-- Hand-written: drizzle's schema cannot declare virtual tables or triggers.
DROP TRIGGER IF EXISTS `items_fts_after_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `items_fts_after_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `items_fts_after_delete`;
--> statement-breakpoint
DROP TABLE IF EXISTS `items_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `items_fts` USING fts5(
	`item_id` UNINDEXED,
	`location_slug` UNINDEXED,
	`name`,
	`description`,
	`tags`,
	tokenize = 'trigram remove_diacritics 1'
);
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_insert` AFTER INSERT ON `items` BEGIN
	INSERT INTO `items_fts` (`item_id`, `location_slug`, `name`, `description`, `tags`)
	VALUES (new.`id`, new.`location_slug`,
		new.`name` || ' ' || coalesce((SELECT group_concat(json_extract(`value`, '$.name'), ' ') FROM json_each(new.`translations`)), ''),
		new.`description` || ' ' || coalesce((SELECT group_concat(json_extract(`value`, '$.description'), ' ') FROM json_each(new.`translations`)), ''),
		replace(replace(replace(new.`dietary_tags`, '"', ' '), '_', ' '), ',', ' '));
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_update` AFTER UPDATE OF `name`, `description`, `dietary_tags`, `translations` ON `items` BEGIN
	DELETE FROM `items_fts` WHERE `item_id` = old.`id`;
	INSERT INTO `items_fts` (`item_id`, `location_slug`, `name`, `description`, `tags`)
	VALUES (new.`id`, new.`location_slug`,
		new.`name` || ' ' || coalesce((SELECT group_concat(json_extract(`value`, '$.name'), ' ') FROM json_each(new.`translations`)), ''),
		new.`description` || ' ' || coalesce((SELECT group_concat(json_extract(`value`, '$.description'), ' ') FROM json_each(new.`translations`)), ''),
		replace(replace(replace(new.`dietary_tags`, '"', ' '), '_', ' '), ',', ' '));
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_delete` AFTER DELETE ON `items` BEGIN
	DELETE FROM `items_fts` WHERE `item_id` = old.`id`;
END;
--> statement-breakpoint
INSERT INTO `items_fts` (`item_id`, `location_slug`, `name`, `description`, `tags`)
SELECT `id`, `location_slug`,
	`name` || ' ' || coalesce((SELECT group_concat(json_extract(`value`, '$.name'), ' ') FROM json_each(`items`.`translations`)), ''),
	`description` || ' ' || coalesce((SELECT group_concat(json_extract(`value`, '$.description'), ' ') FROM json_each(`items`.`translations`)), ''),
	replace(replace(replace(`dietary_tags`, '"', ' '), '_', ' '), ',', ' ')
FROM `items`;
--> statement-breakpoint
-- Image keys written before photos existed named files that were never stored; an item's photo is now an id in `images`.
UPDATE `items` SET `image_key` = NULL WHERE `image_key` IS NOT NULL AND `image_key` NOT IN (SELECT `id` FROM `images`);
