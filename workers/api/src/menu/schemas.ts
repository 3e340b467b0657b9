/** Request and response schemas of the menu context, for validation and the API document. */
import { z } from "@hono/zod-openapi";
import { isIsoDate } from "../intelligence/domain/calendar";
import { isClockTime, WEEKDAYS } from "./domain/availability";
import { DIETARY_TAGS, EU_ALLERGENS } from "./domain/dietary";
import { LANGUAGES } from "./domain/language";
import { isCurrency, isIanaTimeZone, openingHoursProblems, suggestTimeZone } from "./domain/location-rules";

const Slug = z.string().regex(/^[a-z0-9-]{1,64}$/, "must be lower-case letters, digits and dashes");

export const SlugParam = z.object({
	slug: Slug.openapi({ param: { name: "slug", in: "path" }, example: "london-soho" }),
});

export const IdParam = z.string().min(1).max(100);

const clockTime = z.string().refine(isClockTime, "must be a time HH:MM on a 24-hour clock");

export const MoneySchema = z
	.object({
		amount: z.number().int("must be whole minor units").min(0).max(10_000_000),
		currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
	})
	.openapi("Money", { example: { amount: 1250, currency: "GBP" } });

export const AvailabilityWindowSchema = z
	.object({
		from: clockTime,
		until: clockTime,
		days: z.array(z.enum(WEEKDAYS)).min(1).optional(),
	})
	.refine((window) => window.from !== window.until, { message: "must differ from from", path: ["until"] })
	.openapi("AvailabilityWindow", { example: { from: "07:00", until: "11:00" } });

const AllergenList = z.array(z.enum(EU_ALLERGENS)).max(EU_ALLERGENS.length);
const DietaryTagList = z.array(z.enum(DIETARY_TAGS)).max(DIETARY_TAGS.length);

export const LanguageSchema = z.enum(LANGUAGES).openapi({ description: "An ISO 639-1 language code", example: "ja" });

/**
 * Text in languages other than the location's default, per language; a field
 * left out (or empty) reads in the default language.
 */
function translationsOf<Shape extends z.ZodRawShape>(fields: Shape) {
	return z.partialRecord(z.enum(LANGUAGES), z.object(fields).partial().strict());
}

const NameTranslations = translationsOf({ name: z.string().trim().max(80) }).openapi("NameTranslations", {
	example: { ja: { name: "大盛り" } },
});

export const ModifierOptionInput = z.object({
	name: z.string().trim().min(1).max(80),
	priceDelta: MoneySchema.optional(),
	allergens: AllergenList.default([]),
	translations: NameTranslations.default({}),
});

export const ModifierGroupInput = z
	.object({
		name: z.string().trim().min(1).max(80),
		minSelections: z.number().int().min(0).max(20),
		maxSelections: z.number().int().min(1).max(20),
		options: z.array(ModifierOptionInput).min(1).max(30),
		translations: NameTranslations.default({}),
	})
	.superRefine((group, ctx) => {
		if (group.minSelections > group.maxSelections) {
			ctx.addIssue({ code: "custom", path: ["minSelections"], message: "must not exceed maxSelections" });
		}
		if (group.minSelections > group.options.length) {
			ctx.addIssue({ code: "custom", path: ["minSelections"], message: "must not exceed the number of options" });
		}
		const names = group.options.map((option) => option.name.toLowerCase());
		if (new Set(names).size !== names.length) {
			ctx.addIssue({ code: "custom", path: ["options"], message: "option names must be unique" });
		}
	})
	.openapi("ModifierGroupInput");

const categoryFields = {
	name: z.string().trim().min(1).max(80),
	description: z.string().max(500),
	position: z.number().int().min(0).max(10_000),
	availability: z.array(AvailabilityWindowSchema).max(10),
	translations: translationsOf({ name: z.string().trim().max(80), description: z.string().max(500) }).openapi(
		"CategoryTranslations",
		{ example: { ja: { name: "朝食" } } },
	),
};

export const CategoryInput = z
	.object({
		...categoryFields,
		description: categoryFields.description.default(""),
		position: categoryFields.position.default(0),
		availability: categoryFields.availability.default([]),
		translations: categoryFields.translations.default({}),
	})
	.openapi("CategoryInput");

/** Fields left out are unchanged (no defaults here, unlike CategoryInput). */
export const CategoryPatch = z.object(categoryFields).partial().openapi("CategoryPatch");

const itemFields = {
	categoryId: IdParam,
	name: z.string().trim().min(1).max(120),
	description: z.string().max(1000),
	price: MoneySchema,
	imageId: z
		.string()
		.regex(/^[0-9a-f]{64}$/, "must be an image id: 64 lower-case hex digits, as an upload answers")
		.nullable()
		.openapi({ description: "The item's photo, an id an upload answered with; null for none" }),
	allergens: AllergenList,
	dietaryTags: DietaryTagList,
	calories: z.number().int().min(0).max(10_000).nullable(),
	availability: z.array(AvailabilityWindowSchema).max(10),
	soldOut: z.boolean(),
	position: z.number().int().min(0).max(10_000),
	modifierGroups: z.array(ModifierGroupInput).max(10),
	translations: translationsOf({ name: z.string().trim().max(120), description: z.string().max(1000) }).openapi(
		"ItemTranslations",
		{ example: { ja: { name: "たまごサンド" } } },
	),
};

export const ItemInput = z
	.object({
		...itemFields,
		description: itemFields.description.default(""),
		imageId: itemFields.imageId.default(null),
		allergens: itemFields.allergens.default([]),
		dietaryTags: itemFields.dietaryTags.default([]),
		calories: itemFields.calories.default(null),
		availability: itemFields.availability.default([]),
		soldOut: itemFields.soldOut.default(false),
		position: itemFields.position.default(0),
		modifierGroups: itemFields.modifierGroups.default([]),
		translations: itemFields.translations.default({}),
	})
	.openapi("ItemInput");

/** Fields left out are unchanged; `modifierGroups`, when given, replaces them all. */
export const ItemPatch = z.object(itemFields).partial().openapi("ItemPatch");

export const SoldOutInput = z.object({ soldOut: z.boolean() }).openapi("SoldOutInput");

/** A number in the query string; `lat=` is an error, not the 0 that coercing "" would make of it. */
function queryNumber(min: number, max: number) {
	return z
		.preprocess((value, ctx) => {
			if (typeof value !== "string" || value.trim() !== "") return value;
			ctx.addIssue({ code: "custom", message: "must not be empty", input: value });
			return z.NEVER;
		}, z.coerce.number().min(min).max(max))
		.openapi({ type: "number", minimum: min, maximum: max });
}

export const LocationsQuery = z
	.object({
		lat: queryNumber(-90, 90).optional(),
		lng: queryNumber(-180, 180).optional(),
	})
	.refine((query) => (query.lat === undefined) === (query.lng === undefined), {
		message: "lat and lng must be given together",
		path: ["lng"],
	});

export const SearchQuery = z.object({
	q: z.string().trim().min(1, "must not be empty").max(100),
	location: z
		.string()
		.regex(/^[a-z0-9-]{1,64}$/)
		.optional(),
	limit: z.coerce.number().int().min(1).max(50).default(20),
	lang: z.string().optional().openapi({
		description:
			"The language to present results in, if their location offers it; else the customer's preference, Accept-Language, then each location's default. An unsupported language falls back, never errors.",
		example: "ja",
	}),
});

export type CategoryInput = z.infer<typeof CategoryInput>;
export type ItemInput = z.infer<typeof ItemInput>;
export type ModifierGroupInput = z.infer<typeof ModifierGroupInput>;

const TimeRangeSchema = z.object({ opens: z.string(), closes: z.string() });

/**
 * A week of opening ranges: each day's ranges in local time, a range past
 * midnight closing by 06:00 the next morning, none overlapping another
 * (domain/location-rules.ts); each problem names `openingHours.<day>.<index>`.
 */
export const OpeningHoursInput = z
	.record(z.enum(WEEKDAYS), z.array(z.object({ opens: clockTime, closes: clockTime })).max(6))
	.superRefine((hours, ctx) => {
		for (const problem of openingHoursProblems(hours)) {
			// The problem's field is `openingHours.<day>.<index>`; the issue's path is relative to this record.
			const [, day, index] = problem.field.split(".");
			ctx.addIssue({ code: "custom", path: [day, Number(index)], message: problem.message });
		}
	})
	.openapi("OpeningHoursInput", {
		description:
			"Every weekday, each with its opening ranges (local HH:MM; `closes` 24:00 is midnight). A range whose `closes` is before its `opens` runs past midnight and must close by 06:00; ranges must not overlap, the small hours of a range past midnight included.",
		example: {
			mon: [{ opens: "08:00", closes: "22:00" }],
			tue: [{ opens: "08:00", closes: "22:00" }],
			wed: [{ opens: "08:00", closes: "22:00" }],
			thu: [{ opens: "08:00", closes: "22:00" }],
			fri: [{ opens: "08:00", closes: "01:00" }],
			sat: [
				{ opens: "10:00", closes: "14:00" },
				{ opens: "17:00", closes: "23:00" },
			],
			sun: [],
		},
	});

const TimeZoneInput = z.string().superRefine((zone, ctx) => {
	if (isIanaTimeZone(zone)) return;
	const suggestion = suggestTimeZone(zone);
	ctx.addIssue({
		code: "custom",
		message: suggestion
			? `must be an IANA time zone, spelt ${suggestion}`
			: "must be an IANA time zone such as Europe/London",
	});
});

const CurrencyInput = z
	.string()
	.refine(isCurrency, "must be an ISO 4217 currency code in use, such as GBP")
	.openapi({ example: "GBP" });

/**
 * A location as an admin creates or replaces it: the same shape the API
 * answers, without what the server keeps (menu version, open now). Every
 * field is required, `region` included: where a location's orders are kept is
 * never left to a default.
 */
const PerSlot = (unit: string) =>
	z
		.number()
		.int("must be a whole number")
		.min(1, `must be at least 1 ${unit} a slot; null is no limit`)
		.max(10_000)
		.nullable();

export const SlotCapacityInput = z
	.object({ orders: PerSlot("order").default(null), units: PerSlot("item unit").default(null) })
	.openapi("SlotCapacityInput", {
		description: "How many orders, and item units, the kitchen takes per 15-minute slot; null is no limit",
	});

export const SlotCapacitySchema = z
	.object({ orders: z.number().int().nullable(), units: z.number().int().nullable() })
	.openapi("SlotCapacity", {
		description: "Orders and item units the kitchen takes per 15-minute slot; null is no limit",
	});

const locationFields = {
	name: z.string().trim().min(1).max(120),
	address: z.object({
		line: z.string().trim().min(1).max(200),
		city: z.string().trim().min(1).max(100),
		postcode: z.string().trim().min(1).max(20),
		country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code"),
	}),
	coordinates: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }),
	timeZone: TimeZoneInput,
	region: z
		.string({ error: (issue) => (issue.input === undefined ? "is required" : undefined) })
		.min(1, "is required")
		.openapi({
			example: "eu",
			description: "Where the location's new orders are kept: one of the regions this deployment is configured with",
		}),
	currency: CurrencyInput,
	taxRateBps: z.number().int().min(0).max(10_000),
	pricesIncludeTax: z.boolean(),
	openingHours: OpeningHoursInput,
	fulfilment: z.object({
		pickup: z.boolean(),
		delivery: z.object({ radiusMeters: z.number().int().min(1).max(100_000), fee: MoneySchema }).nullable(),
	}),
	payAtPickup: z
		.boolean()
		.default(false)
		.openapi({ description: "Whether pickup orders may be paid at the counter instead of by card; off unless set" }),
	slotCapacity: SlotCapacityInput.default({ orders: null, units: null }),
	defaultLanguage: LanguageSchema.default("en").openapi({
		description: "The language the menu's names and descriptions are written in; English unless set",
	}),
	languages: z
		.array(LanguageSchema)
		.min(1)
		.max(LANGUAGES.length)
		.optional()
		.openapi({ description: "Every language the menu is offered in; the default language alone unless set" }),
};

type LocationFields = z.infer<z.ZodObject<typeof locationFields>>;

/** Rules across a location's fields, for creating and replacing alike. */
function checkLocation(location: LocationFields, ctx: z.RefinementCtx): void {
	if (location.languages && !location.languages.includes(location.defaultLanguage)) {
		ctx.addIssue({ code: "custom", path: ["languages"], message: "must include defaultLanguage" });
	}
	if (location.languages && new Set(location.languages).size !== location.languages.length) {
		ctx.addIssue({ code: "custom", path: ["languages"], message: "must not repeat a language" });
	}
	if (location.payAtPickup && !location.fulfilment.pickup) {
		ctx.addIssue({ code: "custom", path: ["payAtPickup"], message: "needs fulfilment.pickup" });
	}
	const fee = location.fulfilment.delivery?.fee;
	if (fee && fee.currency !== location.currency) {
		ctx.addIssue({
			code: "custom",
			path: ["fulfilment", "delivery", "fee", "currency"],
			message: "must be the location's currency",
		});
	}
}

export const LocationInput = z.object(locationFields).superRefine(checkLocation).openapi("LocationInput");

export type LocationInput = z.infer<typeof LocationInput>;

/** A new location: its details and the slug it is reached by, which stays. */
export const NewLocationInput = z
	.object({ slug: Slug.openapi({ example: "london-shoreditch" }), ...locationFields })
	.superRefine(checkLocation)
	.openapi("NewLocationInput");

export const ClosureSchema = z
	.object({
		id: z.string(),
		from: z.string().openapi({ description: "First closed day, local date", example: "2026-12-25" }),
		to: z.string().openapi({ description: "Last closed day (inclusive), local date", example: "2026-12-26" }),
		reason: z.string().openapi({ example: "Christmas" }),
	})
	.openapi("Closure", { description: "Whole local days the location is closed whatever its weekly hours say" });

const LocalDate = z.string().refine(isIsoDate, "must be a calendar date, YYYY-MM-DD");

export const ClosureInput = z
	.object({
		from: LocalDate.openapi({ description: "First closed day, the location's local date", example: "2026-12-25" }),
		to: LocalDate.optional().openapi({
			description: "Last closed day (inclusive); the one day `from` when left out",
			example: "2026-12-26",
		}),
		reason: z.string().trim().min(1, "is required").max(200),
	})
	.openapi("ClosureInput");

export const PauseInput = z
	.object({ reason: z.string().trim().min(1, "is required").max(200).openapi({ example: "Kitchen overwhelmed" }) })
	.openapi("PauseInput");

export const OrderingSchema = z
	.object({
		paused: z.boolean(),
		reason: z.string().nullable(),
		since: z.string().nullable().openapi({ description: "When ordering was paused (ISO); null while it runs" }),
	})
	.openapi("LocationOrdering", {
		description: "Whether staff have paused ordering; checkout answers 409 location_paused while they have",
	});

export const LocationSchema = z
	.object({
		slug: z.string(),
		name: z.string(),
		address: z.object({ line: z.string(), city: z.string(), postcode: z.string(), country: z.string() }),
		coordinates: z.object({ latitude: z.number(), longitude: z.number() }),
		timeZone: z.string().openapi({ example: "Europe/London" }),
		region: z.string().openapi({
			example: "eu",
			description:
				"The region that keeps the location's new orders (a name in the deployment's REGIONS). An order stays in the region its cart was opened in, even if the location later moves.",
		}),
		currency: z.string().openapi({ example: "GBP" }),
		taxRateBps: z.number().int().openapi({ description: "Tax rate in basis points: 2000 = 20%" }),
		pricesIncludeTax: z
			.boolean()
			.openapi({ description: "Whether prices include tax (VAT) or tax is added at checkout" }),
		openingHours: z.record(z.enum(WEEKDAYS), z.array(TimeRangeSchema)),
		fulfilment: z.object({
			pickup: z.boolean(),
			delivery: z.object({ radiusMeters: z.number().int(), fee: MoneySchema }).nullable(),
		}),
		payAtPickup: z
			.boolean()
			.openapi({ description: "Whether pickup orders may be paid at the counter (pay_at_pickup) instead of by card" }),
		slotCapacity: SlotCapacitySchema,
		defaultLanguage: LanguageSchema,
		languages: z
			.array(LanguageSchema)
			.openapi({ description: "Every language the menu is offered in, the default first" }),
		ordering: OrderingSchema,
		closures: z.array(ClosureSchema).openapi({ description: "Closures under way today or to come, soonest first" }),
		openNow: z
			.boolean()
			.openapi({ description: "Within opening hours on the local clock, on a day no closure covers" }),
		menuVersion: z.number().int(),
		distanceMeters: z.number().int().optional(),
	})
	.openapi("Location");

export const MenuOptionSchema = z.object({
	id: z.string(),
	name: z.string(),
	priceDelta: MoneySchema,
	allergens: z.array(z.string()),
});

export const MenuModifierGroupSchema = z.object({
	id: z.string(),
	name: z.string(),
	minSelections: z.number().int(),
	maxSelections: z.number().int(),
	options: z.array(MenuOptionSchema),
});

export const MenuImageSchema = z
	.object({
		id: z.string().openapi({ description: "The SHA-256 of the photo's bytes; served at /images/{id}" }),
		width: z.number().int(),
		height: z.number().int(),
	})
	.openapi("MenuImage");

export const MenuItemSchema = z
	.object({
		id: z.string(),
		categoryId: z.string(),
		name: z.string(),
		description: z.string(),
		price: MoneySchema,
		image: MenuImageSchema.nullable(),
		allergens: z.array(z.string()),
		dietaryTags: z.array(z.string()),
		calories: z.number().int().nullable(),
		availability: z.array(AvailabilityWindowSchema),
		soldOut: z.boolean(),
		modifierGroups: z.array(MenuModifierGroupSchema),
		availableNow: z.boolean(),
		unavailableReason: z.enum(["sold_out", "outside_hours", "closed"]).nullable(),
	})
	.openapi("MenuItem");

export const MenuSchema = z
	.object({
		location: LocationSchema.omit({ openNow: true, menuVersion: true, distanceMeters: true }),
		version: z.number().int(),
		generatedAt: z.string(),
		language: LanguageSchema.openapi({ description: "The language of the names and descriptions" }),
		openNow: z.boolean(),
		categories: z.array(
			z.object({
				id: z.string(),
				name: z.string(),
				description: z.string(),
				availability: z.array(AvailabilityWindowSchema),
				availableNow: z.boolean(),
				items: z.array(MenuItemSchema),
			}),
		),
	})
	.openapi("Menu");

export const SearchResultSchema = z
	.object({
		query: z.string(),
		results: z.array(
			z.object({
				location: z.object({ slug: z.string(), name: z.string() }),
				category: z.object({ id: z.string(), name: z.string() }),
				item: MenuItemSchema,
				language: LanguageSchema.openapi({ description: "The language this hit's names and descriptions are in" }),
			}),
		),
	})
	.openapi("SearchResult");

export const WriteResultSchema = z.object({ id: z.string(), menuVersion: z.number().int() }).openapi("MenuWriteResult");
