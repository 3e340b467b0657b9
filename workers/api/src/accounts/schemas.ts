/** Request and response schemas of accounts, sign-in and profiles. */
import { z } from "@hono/zod-openapi";
import { DeliveryAddressInput } from "../cart/schemas";
import { DIETARY_TAGS, EU_ALLERGENS } from "../menu/domain/dietary";
import { LANGUAGES } from "../menu/domain/language";

export const Email = z
	.email()
	.max(200)
	.transform((email) => email.trim().toLowerCase());
const Name = z.string().trim().min(1).max(100);
const Phone = z
	.string()
	.trim()
	.regex(/^\+?[0-9][0-9 ()-]{5,19}$/, "must be a phone number");

/** The language the account reads menus in when a request names none; null leaves it to the browser. */
const PreferredLanguage = z
	.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(", ")}, or null` })
	.nullable()
	.openapi({
		description:
			"The language menus and search are presented in when a request names none (ISO 639-1); null leaves it to the browser's Accept-Language. Access tokens issued after a change carry it.",
		example: "ja",
	});

export const RegisterInput = z
	.object({
		email: Email,
		password: z.string().max(200),
		name: Name,
		phone: Phone.optional(),
		language: PreferredLanguage.optional(),
	})
	.openapi("RegisterInput");

export const LoginInput = z.object({ email: Email, password: z.string().max(200) }).openapi("LoginInput");

export const PasswordChange = z
	.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().max(200) })
	.openapi("PasswordChange");

export const RefreshInput = z.object({ refreshToken: z.string().min(1).max(200) }).openapi("RefreshInput");

export const TokensView = z
	.object({
		accessToken: z.string(),
		refreshToken: z.string(),
		expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
		tokenType: z.literal("Bearer"),
	})
	.openapi("Tokens");

export const SavedAddressSchema = DeliveryAddressInput.extend({ label: z.string().trim().min(1).max(40) }).openapi(
	"SavedAddress",
);

const NotificationPreferences = z.object({ orderUpdates: z.boolean(), marketing: z.boolean() });

export const ProfilePatch = z
	.object({
		name: Name,
		phone: Phone.nullable(),
		addresses: z.array(SavedAddressSchema).max(10),
		dietaryPreferences: z.array(z.enum(DIETARY_TAGS)).max(DIETARY_TAGS.length),
		avoidAllergens: z.array(z.enum(EU_ALLERGENS)).max(EU_ALLERGENS.length),
		favouriteLocation: z
			.string()
			.regex(/^[a-z0-9-]{1,64}$/)
			.nullable(),
		notificationPreferences: NotificationPreferences,
		language: PreferredLanguage,
	})
	.partial()
	.openapi("ProfilePatch");

export const ProfileView = z
	.object({
		id: z.string(),
		email: z.string(),
		role: z.enum(["customer", "kitchen", "manager", "admin"]),
		name: z.string(),
		phone: z.string().nullable(),
		locations: z.array(z.string()),
		addresses: z.array(SavedAddressSchema),
		dietaryPreferences: z.array(z.string()),
		avoidAllergens: z.array(z.string()),
		favouriteLocation: z.string().nullable(),
		notificationPreferences: NotificationPreferences,
		language: PreferredLanguage,
		emailVerified: z.boolean().openapi({
			description:
				"Whether the address has been confirmed with the link e-mailed to it; until then the account saves no addresses",
		}),
		createdAt: z.string(),
	})
	.openapi("Profile");
export type ProfileView = z.infer<typeof ProfileView>;

/** What registering, and accepting a staff invitation, answer: signed in, with the new account. */
export const RegisterResult = TokensView.extend({ account: ProfileView }).openapi("Registration");

/** The token an e-mailed link carries (`?token=`). */
const LinkToken = z.string().min(1).max(200).openapi({ description: "The `token` of the e-mailed link" });

export const PasswordResetRequest = z.object({ email: Email }).openapi("PasswordResetRequest");

export const PasswordResetCompletion = z
	.object({ token: LinkToken, password: z.string().max(200) })
	.openapi("PasswordResetCompletion");

export const EmailVerificationInput = z.object({ token: LinkToken }).openapi("EmailVerificationInput");

export const EmailVerified = z.object({ email: z.string(), emailVerified: z.literal(true) }).openapi("EmailVerified");

/** An answer that says only what happened (or, for a reset, what would have). */
export const Acknowledgement = z.object({ message: z.string() }).openapi("Acknowledgement");

export const OrderHistoryView = z
	.object({
		orders: z.array(
			z.object({
				orderId: z.string(),
				locationSlug: z.string(),
				placedAt: z.string(),
				status: z.string(),
				total: z.object({ amount: z.number().int(), currency: z.string() }),
			}),
		),
	})
	.openapi("OrderHistory");

const StaffLocations = z
	.array(z.string().regex(/^[a-z0-9-]{1,64}$/))
	.max(50)
	.default([]);

/** Kitchen and manager accounts need a location; admins work everywhere. */
function needsLocation(staff: { role: string; locations: string[] }, ctx: z.RefinementCtx) {
	if (staff.role !== "admin" && staff.locations.length === 0) {
		ctx.addIssue({ code: "custom", path: ["locations"], message: "kitchen and manager accounts need a location" });
	}
}

export const StaffInput = z
	.object({
		email: Email,
		password: z.string().max(200),
		name: Name,
		role: z.enum(["kitchen", "manager", "admin"]),
		locations: StaffLocations,
	})
	.superRefine(needsLocation)
	.openapi("StaffInput");

export const InvitationInput = z
	.object({
		email: Email,
		name: Name,
		role: z.enum(["kitchen", "manager", "admin"]),
		locations: StaffLocations,
	})
	.superRefine(needsLocation)
	.openapi("InvitationInput");

export const InvitationView = z
	.object({
		id: z.string(),
		email: z.string(),
		name: z.string(),
		role: z.enum(["kitchen", "manager", "admin"]),
		locations: z.array(z.string()),
		expiresAt: z.string().openapi({ description: "When the e-mailed link stops working (ISO 8601)" }),
		invitedBy: z.string().nullable().openapi({ description: "The id of the staff account that sent it" }),
	})
	.openapi("Invitation");
export type InvitationView = z.infer<typeof InvitationView>;

export const InvitationAcceptance = z
	.object({ token: LinkToken, password: z.string().max(200) })
	.openapi("InvitationAcceptance");

export const StaffPatch = z
	.object({
		role: z.enum(["kitchen", "manager", "admin"]),
		locations: z
			.array(z.string().regex(/^[a-z0-9-]{1,64}$/))
			.max(50)
			.optional(),
	})
	.openapi("StaffPatch");
