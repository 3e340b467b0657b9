/**
 * Refusals on the staff screens in the chosen language. The shared
 * `errorText` knows the customer's refusals; the kitchen's own (a photo too
 * large, a refund over what is left) are in kitchen.json as `kitchen.error.{code}`.
 * English shows the API's own words, which often name what was refused.
 */
import { ApiFailure, type FieldIssue } from "../api/http";
import { i18n, MESSAGES, type MessageId } from ".";
import { errorText, fieldErrors } from "./errors";

function kitchenMessage(code: string): MessageId | null {
	const id = `kitchen.error.${code}`;
	return id in MESSAGES.en ? (id as MessageId) : null;
}

/** A message for anything thrown while a staff screen talked to the API. */
export function kitchenErrorText(error: unknown): string {
	const { t, language } = i18n();
	if (error instanceof ApiFailure && language !== "en") {
		const id = kitchenMessage(error.code);
		if (id) return t(id);
	}
	return errorText(error);
}

/** A validation refusal's details by field, and as a list, in the chosen language. */
export function kitchenFieldErrors(error: unknown): { fields: Record<string, string>; details: FieldIssue[] } {
	const fields = fieldErrors(error);
	const details =
		error instanceof ApiFailure && Array.isArray(error.details)
			? (error.details as FieldIssue[])
					.filter((issue) => issue && typeof issue.field === "string")
					.map((issue) => ({ ...issue, message: fields[issue.field] ?? issue.message }))
			: [];
	return { fields, details };
}

/** A staff form's refusal: the envelope's message, its details, and the details by field path for the controls. */
export interface FormError {
	message: string | null;
	details: FieldIssue[];
	fields: Record<string, string>;
}

export const NO_ERROR: FormError = { message: null, details: [], fields: {} };

/** What a staff form shows when the API refuses it. */
export function formRefusal(failure: unknown): FormError {
	return { message: kitchenErrorText(failure), ...kitchenFieldErrors(failure) };
}
