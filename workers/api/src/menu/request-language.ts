/**
 * The language wishes an HTTP request carries, for REST and the graph alike:
 * `?lang=` (or a graph argument), the bearer's saved preference, then
 * Accept-Language. `negotiateLanguage` picks among them per location.
 */
import { languageOfBearer } from "@goodfood/platform/access-token";
import type { LanguageWishes } from "./domain/language";

/** What an answer chosen from these wishes varies by, besides its URL. */
export const LANGUAGE_VARY = "Accept-Language, Authorization";

export function languageWishes(
	request: { header(name: string): string | undefined },
	query?: string | null,
): LanguageWishes {
	return {
		query,
		preference: languageOfBearer(request.header("authorization")),
		acceptLanguage: request.header("accept-language"),
	};
}
