/** Request and response schemas of the audit log. */
import { z } from "@hono/zod-openapi";
import { actorFilterOf, ENTRY_ID, instantOf, rangeOf } from "./domain/query";

const Bound = z
	.string()
	.refine((value) => !Number.isNaN(instantOf(value)), "must be a date YYYY-MM-DD or an ISO 8601 date-time with offset");

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,100}$/;

export const AuditQuery = z
	.object({
		actor: z
			.string()
			.trim()
			.min(1)
			.max(254)
			.refine((actor) => {
				const filter = actorFilterOf(actor);
				return "email" in filter ? z.email().safeParse(filter.email).success : ACCOUNT_ID.test(filter.id);
			}, "must be an account id or an e-mail address")
			.optional()
			.openapi({
				description:
					"Who acted: an account id, or the e-mail of an account that still exists (entries keep the id, not the address)",
				example: "admin@goodfood.local",
			}),
		action: z.string().trim().min(1).max(200).optional().openapi({
			description:
				"Part of the action, any case: `items` finds every item write, `graphql mutation` every GraphQL write; a whole action such as `PATCH /api/v1/locations/:slug/items/:itemId` matches itself",
			example: "/items/",
		}),
		location: z
			.string()
			.regex(/^[a-z0-9-]{1,64}$/, "must be lower-case letters, digits and dashes")
			.optional()
			.openapi({ description: "Only writes that concerned this location", example: "london-soho" }),
		from: Bound.optional().openapi({
			description: "The earliest entry (inclusive); a date means from the start of that UTC day",
			example: "2030-07-01",
		}),
		to: Bound.optional().openapi({
			description: "The latest entry (exclusive); a date means up to the end of that UTC day",
			example: "2030-07-31",
		}),
		cursor: z
			.string()
			.regex(ENTRY_ID, "must be a nextCursor this route gave out")
			.optional()
			.openapi({ description: "The previous page's nextCursor: the page of older entries after it" }),
		limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Entries per page" }),
	})
	.superRefine((query, ctx) => {
		// Zod still runs this when a bound was refused above; only two valid bounds are compared.
		if (!query.from || !query.to || Number.isNaN(instantOf(query.from)) || Number.isNaN(instantOf(query.to))) return;
		const range = rangeOf(query.from, query.to);
		if (range.to && range.from && range.to <= range.from)
			ctx.addIssue({ code: "custom", path: ["to"], message: "must be later than from" });
	});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntrySchema = z
	.object({
		id: z.string().openapi({ example: "aud_1782136800000_9f3a1c2b7d4e" }),
		at: z.string().openapi({ description: "When the write answered (ISO 8601, UTC)" }),
		actor: z.object({
			id: z.string(),
			role: z.enum(["kitchen", "manager", "admin"]).openapi({ description: "The role the actor had then" }),
			email: z.string().nullable().openapi({ description: "The account's e-mail now; null once it was removed" }),
		}),
		action: z.string().openapi({
			description:
				"The route as declared (`PATCH /api/v1/staff/:accountId`), or `graphql mutation <field>` for a GraphQL write",
			example: "PATCH /api/v1/locations/:slug/items/:itemId",
		}),
		target: z
			.string()
			.openapi({ description: "The path written to", example: "/api/v1/locations/london-soho/items/itm-1" }),
		location: z.string().nullable().openapi({ description: "The location the write concerned, when there is one" }),
		status: z.number().int().openapi({ description: "The HTTP status it answered" }),
		before: z
			.unknown()
			.openapi({ description: "What the write found, as its route describes it; null when not known" }),
		after: z.unknown().openapi({
			description: "What it left, or the body it accepted; secrets (passwords, tokens, signing secrets) are never kept",
		}),
	})
	.openapi("AuditEntry");
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z
	.object({
		entries: z.array(AuditEntrySchema).openapi({ description: "Newest first" }),
		nextCursor: z.string().nullable().openapi({ description: "Pass as cursor for the older entries; null at the end" }),
	})
	.openapi("AuditPage");
