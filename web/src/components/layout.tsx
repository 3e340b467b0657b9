/** The frame around every page: skip link, site header and navigation, and the live announcer. */
import type { ComponentChildren } from "preact";
import { Link, navigate } from "../router";
import { announcement } from "../state/announcer";
import { isStaff, signOut, useSession } from "../state/session";
import { useStore } from "../state/store";

function SiteNav() {
	const { profile } = useSession();
	const onSignOut = async () => {
		await signOut();
		navigate("/");
	};
	return (
		<nav aria-label="Main">
			<ul class="nav-list">
				<li>
					<Link href="/">Locations</Link>
				</li>
				{isStaff(profile?.role) && (
					<li>
						<Link href="/kitchen">Kitchen</Link>
					</li>
				)}
				{profile ? (
					<>
						<li>
							<Link href="/account">{profile.role === "customer" ? "Account" : profile.name}</Link>
						</li>
						<li>
							<button type="button" class="link-button" onClick={onSignOut}>
								Sign out
							</button>
						</li>
					</>
				) : (
					<li>
						<Link href="/sign-in">Sign in</Link>
					</li>
				)}
			</ul>
		</nav>
	);
}

export function Layout({ children }: { children: ComponentChildren }) {
	const message = useStore(announcement);
	return (
		<>
			<a class="skip-link" href="#main">
				Skip to content
			</a>
			<header class="site-header">
				<Link href="/" class="brand">
					<span aria-hidden="true" class="brand-mark" />
					GoodFood
				</Link>
				<SiteNav />
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
