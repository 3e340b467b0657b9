/**
 * Refusals and failures in the customer's language. The API writes its
 * messages in English, often naming the thing refused ("Carrot Cake is sold
 * out"), so English screens show the API's own words; other languages show the
 * message for the refusal's code when the app knows the code, else the API's
 * words. The app's own failures (no connection, an answer not in the envelope)
 * are always in the chosen language.
 */
import { ApiFailure } from "../api/http";
import { i18n, MESSAGES, type MessageId } from ".";

function known(id: string): id is MessageId {
	return id in MESSAGES.en;
}

/** A message for anything thrown while talking to the API, in the current language. */
export function errorText(error: unknown): string {
	const { t, language } = i18n();
	if (error instanceof ApiFailure) {
		if (error.code === "network") return t("error.network");
		if (error.code === "unexpected") return t("error.unexpected", { status: error.status });
		// The reason is the location's own words ("Kitchen flooded"), in every language.
		if (error.code === "location_paused") return pausedText(pauseReasonOf(error.details));
		const id = `error.${error.code}`;
		if (language !== "en" && known(id)) return t(id);
		return error.message;
	}
	if (error instanceof Error && error.message) return error.message;
	return t("error.generic");
}

/**
 * Messages by field path from a validation refusal. English keeps the API's
 * words per field; another language says which field is wrong in its own words.
 */
export function fieldErrors(error: unknown): Record<string, string> {
	if (!(error instanceof ApiFailure)) return {};
	const fields = error.fields;
	const { t, language } = i18n();
	if (language === "en") return fields;
	return Object.fromEntries(Object.keys(fields).map((field) => [field, t("error.field")]));
}

/** The reason a location_paused refusal gives, if any. */
function pauseReasonOf(details: unknown): string | null {
	const reason = (details as { reason?: unknown } | undefined)?.reason;
	return typeof reason === "string" && reason.trim() !== "" ? reason : null;
}

/** "Ordering is paused: <reason>", as the menu, the locations list and checkout say it. */
export function pausedText(reason: string | null): string {
	const { t } = i18n();
	return reason ? t("ordering.paused", { reason }) : t("ordering.pausedNoReason");
}

/** Which way a link from an e-mail (reset, verification, invitation) was refused, if it was. */
export type LinkRefusal = "link_expired" | "link_used" | "link_invalid";

export function linkRefusal(error: unknown): LinkRefusal | null {
	if (!(error instanceof ApiFailure)) return null;
	const { code } = error;
	return code === "link_expired" || code === "link_used" || code === "link_invalid" ? code : null;
}
