/**
 * Who is signed in. Tokens live in sessionStorage (this tab only, gone when it
 * closes); the access token is renewed once with the refresh token when the
 * API says it has expired.
 */
import * as api from "../api/endpoints";
import { setCredentials } from "../api/http";
import type { Profile, Role, Tokens } from "../api/types";
import { chooseLanguage, isUiLanguage, languageState } from "../i18n";
import { createStore, useStore } from "./store";

interface Session {
	tokens: Tokens | null;
	profile: Profile | null;
}

const STORAGE_KEY = "goodfood.session";

function restore(): Session {
	try {
		const saved = sessionStorage.getItem(STORAGE_KEY);
		if (saved) return JSON.parse(saved) as Session;
	} catch {
		// Storage unavailable or corrupt: start signed out.
	}
	return { tokens: null, profile: null };
}

export const session = createStore<Session>(restore());

session.subscribe(() => {
	try {
		const value = session.get();
		if (value.tokens) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
		else sessionStorage.removeItem(STORAGE_KEY);
	} catch {
		// Private mode without storage: the session lasts as long as the page.
	}
});

let renewing: Promise<boolean> | undefined;

setCredentials({
	accessToken: () => session.get().tokens?.accessToken,
	renew() {
		const refreshToken = session.get().tokens?.refreshToken;
		if (!refreshToken) return Promise.resolve(false);
		renewing ??= api
			.refresh(refreshToken)
			.then((renewed) => {
				// Only the sign-in that asked: after a sign-out (or another sign-in) meanwhile, the answer is stale.
				session.set((current) =>
					current.tokens?.refreshToken === refreshToken ? { ...current, tokens: renewed } : current,
				);
				return session.get().tokens === renewed;
			})
			.catch(() => {
				session.set((current) =>
					current.tokens?.refreshToken === refreshToken ? { tokens: null, profile: null } : current,
				);
				return false;
			})
			.finally(() => {
				renewing = undefined;
			});
		return renewing;
	},
});

async function start(tokens: Tokens): Promise<Profile> {
	session.set({ tokens, profile: null });
	const profile = await api.getProfile();
	session.set({ tokens, profile });
	// The account's saved language becomes the app's (menus, screens) on this device too.
	if (isUiLanguage(profile.language)) chooseLanguage(profile.language);
	return profile;
}

export async function signIn(email: string, password: string): Promise<Profile> {
	return start(await api.login(email, password));
}

/** Signs in with the tokens and account an answer brought (registering, accepting an invitation). */
export function startSession({ account, ...tokens }: Tokens & { account: Profile }): Profile {
	session.set({ tokens, profile: account });
	return account;
}

export async function signUp(input: { email: string; password: string; name: string; phone?: string }) {
	const account = startSession(await api.register(input));
	// A new account keeps the language it was created in; should saving fail, the browser keeps the choice.
	const { language } = languageState.get();
	api
		.updateProfile({ language })
		.then(replaceProfile)
		.catch(() => undefined);
	return account;
}

export async function signOut(): Promise<void> {
	const refreshToken = session.get().tokens?.refreshToken;
	session.set({ tokens: null, profile: null });
	if (refreshToken) await api.logout(refreshToken).catch(() => undefined);
}

/**
 * The signed-in account's profile as an answer brought it. An answer that lands
 * after its session ended (signed out, or another account signed in meanwhile)
 * is dropped: written back, it would show a signed-out visitor as signed in.
 */
export function replaceProfile(profile: Profile): void {
	session.set((current) => (current.tokens && current.profile?.id === profile.id ? { ...current, profile } : current));
}

export function useSession(): Session {
	return useStore(session);
}

export function isStaff(role: Role | undefined): boolean {
	return role === "kitchen" || role === "manager" || role === "admin";
}

export function canEditMenu(role: Role | undefined): boolean {
	return role === "manager" || role === "admin";
}

/** Refunds are a manager's call (the API refuses kitchen staff). */
export function canRefund(role: Role | undefined): boolean {
	return role === "manager" || role === "admin";
}
