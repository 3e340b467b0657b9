-- An order joining an erased account's to-do list reopens its tombstone and recounts its orders.
-- Kept here, beside the list, so the projection of a late OrderPlaced writes one statement for it,
-- and nothing at all (no row inserted, no trigger) when the account has no tombstone.
-- Hand-written: drizzle's schema cannot declare triggers.
CREATE TRIGGER `erasure_orders_reopen_tombstone` AFTER INSERT ON `erasure_orders`
BEGIN
	UPDATE `account_tombstones`
	SET `orders` = (SELECT count(*) FROM `erasure_orders` WHERE `account_id` = NEW.`account_id`), `completed_at` = NULL
	WHERE `account_id` = NEW.`account_id`;
END;
