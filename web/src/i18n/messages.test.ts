/** Every language the app speaks has every English message, with the same placeholders, and each one parses. */
import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { MESSAGES, UI_LANGUAGES } from ".";

function placeholders(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
	for (const element of elements) {
		if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
		if ("value" in element && typeof element.value === "string") into.add(element.value);
		if (element.type === TYPE.plural || element.type === TYPE.select) {
			for (const option of Object.values(element.options)) placeholders(option.value, into);
		}
		if (element.type === TYPE.tag) placeholders(element.children, into);
	}
	return into;
}

describe("message files", () => {
	const english = MESSAGES.en;

	for (const language of UI_LANGUAGES.filter((language) => language !== "en")) {
		it(`${language} has exactly the English keys`, () => {
			expect(Object.keys(MESSAGES[language]).sort()).toEqual(Object.keys(english).sort());
		});

		it(`${language} uses the same placeholders as English in every message`, () => {
			for (const [id, message] of Object.entries(MESSAGES[language])) {
				const expected = [...placeholders(parse(english[id as keyof typeof english]))].sort();
				expect([...placeholders(parse(message))].sort(), id).toEqual(expected);
			}
		});
	}

	it("every English message is valid ICU MessageFormat", () => {
		for (const [id, message] of Object.entries(english)) expect(() => parse(message), id).not.toThrow();
	});
});
