/** What every page shares: its title, a focusable heading, and the loading and error states. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { useI18n } from "../i18n";

let pagesShown = 0;

/** The page's h1. After an in-app navigation it takes focus, so screen readers announce the new page. */
export function PageHeading({ children, title }: { children: ComponentChildren; title: string }) {
	const heading = useRef<HTMLHeadingElement>(null);
	useEffect(() => {
		document.title = `${title} · GoodFood`;
		if (pagesShown++ > 0) heading.current?.focus({ preventScroll: true });
	}, [title]);
	return (
		<h1 ref={heading} tabIndex={-1}>
			{children}
		</h1>
	);
}

/** "Loading the menu…": `what` is a phrase in the current language. */
export function Loading({ what }: { what: string }) {
	const { t } = useI18n();
	return (
		<p class="loading" role="status">
			{t("loading", { what })}
		</p>
	);
}

/**
 * A refusal or failure, announced at once. A form's summary takes focus when
 * it appears, so whoever pressed submit at the bottom sees it too.
 */
export function ErrorMessage({
	message,
	id,
	takeFocus = false,
}: {
	message: string | null | undefined;
	id?: string;
	takeFocus?: boolean;
}) {
	const paragraph = useRef<HTMLParagraphElement>(null);
	useEffect(() => {
		if (message && takeFocus) paragraph.current?.focus();
	}, [message, takeFocus]);
	if (!message) return null;
	return (
		<p class="error" role="alert" id={id} ref={paragraph} tabIndex={takeFocus ? -1 : undefined}>
			{message}
		</p>
	);
}
