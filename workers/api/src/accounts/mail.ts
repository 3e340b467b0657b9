/** Sending the accounts' e-mails through the configured sender (`notifications/email.ts`). */
import { errorText, type Logger } from "@goodfood/platform/log";
import type { Database } from "../db/client";
import { emailSenderFor } from "../notifications/email";
import type { EmailContent } from "./domain/emails";
import type { LinkRow } from "./links";

/**
 * E-mails a link to the address it was issued for. A failure is logged, not
 * thrown: the link is stored either way, and asking again sends a fresh one,
 * whereas failing the request would hide that the account or invitation exists.
 * The link's id is the provider's idempotency key, so a retry sends it once.
 */
export async function sendLinkEmail(
	env: Env,
	db: Database,
	log: Logger,
	link: LinkRow,
	content: EmailContent,
): Promise<boolean> {
	try {
		await emailSenderFor(env, db).send({ to: link.email, ...content, idempotencyKey: `account-link:${link.id}` });
		return true;
	} catch (error) {
		log.error("account e-mail not sent", {
			purpose: link.purpose,
			linkId: link.id,
			error: errorText(error),
		});
		return false;
	}
}
