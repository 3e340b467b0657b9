/**
 * The texts of the accounts' e-mails: a password reset, an address
 * verification and a staff invitation, each as plain text and as HTML with
 * everything a person typed (a name) escaped. English only for now.
 */
import { escapeHtml } from "../../notifications/domain/templates";

export interface EmailContent {
	subject: string;
	text: string;
	html: string;
}

interface Body {
	subject: string;
	greeting: string;
	paragraphs: string[];
	action: { text: string; url: string };
	/** What to do when the e-mail was not expected. */
	footnote: string;
}

function render(body: Body): EmailContent {
	const text = [
		body.greeting,
		...body.paragraphs,
		`${body.action.text}: ${body.action.url}`,
		body.footnote,
		"GoodFood",
	].join("\n\n");
	const paragraph = (line: string) => `<p>${escapeHtml(line)}</p>`;
	const html = [
		'<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
		paragraph(body.greeting),
		...body.paragraphs.map(paragraph),
		`<p><a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.text)}</a></p>`,
		`<p><small>${escapeHtml(body.footnote)}</small></p>`,
		"<p>GoodFood</p>",
		"</body></html>",
	].join("");
	return { subject: body.subject, text, html };
}

const greeting = (name: string | undefined) => (name ? `Hello ${name},` : "Hello,");

/** The link that sets a new password; it says how long it lasts and that ignoring it is safe. */
export function passwordResetEmail(input: { name: string; url: string }): EmailContent {
	return render({
		subject: "Reset your GoodFood password",
		greeting: greeting(input.name),
		paragraphs: [
			"Someone asked to reset the password of your GoodFood account. Choose a new one with the link below; it works once, for 30 minutes.",
			"Setting a new password signs you out everywhere.",
		],
		action: { text: "Choose a new password", url: input.url },
		footnote: "If you did not ask for this, ignore this e-mail: your password stays as it is.",
	});
}

/** The link that shows the address is the holder's; until then the account saves no addresses. */
export function verificationEmail(input: { name: string; url: string }): EmailContent {
	return render({
		subject: "Confirm your e-mail address for GoodFood",
		greeting: greeting(input.name),
		paragraphs: [
			"Please confirm that this is your e-mail address. Once it is confirmed you can save delivery addresses to your account.",
			"The link works once, for 7 days.",
		],
		action: { text: "Confirm my e-mail address", url: input.url },
		footnote: "If you did not create a GoodFood account, ignore this e-mail.",
	});
}

/** An invitation to a staff account: who invited them, as what and where. */
export function invitationEmail(input: {
	name: string;
	role: string;
	locations: string[];
	invitedBy: string;
	url: string;
}): EmailContent {
	const where = input.locations.length > 0 ? ` at ${input.locations.join(", ")}` : "";
	return render({
		subject: "You're invited to GoodFood's back office",
		greeting: greeting(input.name),
		paragraphs: [
			`${input.invitedBy} has invited you to a GoodFood staff account: ${input.role}${where}.`,
			"Accept with the link below and choose your password; it works once, for 7 days.",
		],
		action: { text: "Accept the invitation", url: input.url },
		footnote: "If you did not expect this, ignore this e-mail: no account is made until you accept.",
	});
}
