/** The frame around every page: skip link, site header with navigation and language, and the live announcer. */
import type { ComponentChildren } from "preact";
import { updateProfile } from "../api/endpoints";
import { chooseLanguage, LANGUAGE_NAMES, UI_LANGUAGES, type UiLanguage, useI18n } from "../i18n";
import { mayUseBackOffice } from "../pages/back-office/shell";
import { Link, navigate } from "../router";
import { announcement } from "../state/announcer";
import { isStaff, replaceProfile, session, signOut, useSession } from "../state/session";
import { useStore } from "../state/store";

function SiteNav() {
	const { profile } = useSession();
	const { t } = useI18n();
	const onSignOut = async () => {
		await signOut();
		navigate("/");
	};
	return (
		<nav aria-label={t("nav.main")}>
			<ul class="nav-list">
				<li>
					<Link href="/">{t("nav.locations")}</Link>
				</li>
				{isStaff(profile?.role) && (
					<li>
						<Link href="/kitchen">{t("nav.kitchen")}</Link>
					</li>
				)}
				{mayUseBackOffice(profile?.role) && (
					<li>
						<Link href="/admin/staff">{t("nav.backOffice")}</Link>
					</li>
				)}
				{profile ? (
					<>
						<li>
							<Link href="/account">{profile.role === "customer" ? t("nav.account") : profile.name}</Link>
						</li>
						<li>
							<button type="button" class="link-button" onClick={onSignOut}>
								{t("nav.signOut")}
							</button>
						</li>
					</>
				) : (
					<li>
						<Link href="/sign-in">{t("nav.signIn")}</Link>
					</li>
				)}
			</ul>
		</nav>
	);
}

/**
 * Switches the app's language at once; a signed-in account keeps it as its
 * preference, so its menus and e-mails follow on every device. Saving is a
 * nicety: a refusal leaves the choice made in this browser.
 */
export function chooseAndSaveLanguage(language: UiLanguage): void {
	chooseLanguage(language);
	if (!session.get().tokens) return;
	updateProfile({ language })
		.then(replaceProfile)
		.catch(() => undefined);
}

function LanguageSwitcher() {
	const { t, language } = useI18n();
	return (
		<div class="language-switcher">
			<label for="language" class="visually-hidden">
				{t("language.label")}
			</label>
			<select
				id="language"
				value={language}
				onChange={(event) => chooseAndSaveLanguage(event.currentTarget.value as UiLanguage)}
			>
				{UI_LANGUAGES.map((code) => (
					<option key={code} value={code} lang={code}>
						{LANGUAGE_NAMES[code]}
					</option>
				))}
			</select>
		</div>
	);
}

export function Layout({ children }: { children: ComponentChildren }) {
	const message = useStore(announcement);
	const { t } = useI18n();
	return (
		<>
			<a class="skip-link" href="#main">
				{t("layout.skipToContent")}
			</a>
			<header class="site-header">
				<Link href="/" class="brand">
					<span aria-hidden="true" class="brand-mark" />
					GoodFood
				</Link>
				<SiteNav />
				<LanguageSwitcher />
			</header>
			<main id="main" tabIndex={-1}>
				{children}
			</main>
			<div class="visually-hidden" aria-live="polite" aria-atomic="true">
				{message}
			</div>
		</>
	);
}
