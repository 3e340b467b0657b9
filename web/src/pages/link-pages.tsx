/**
 * What the pages e-mails link to share (`?token=`): the token, what a refused
 * link means and where to get another, and the one-password form a reset and
 * an invitation both ask for.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useI18n } from "../i18n";
import { errorText, fieldErrors, type LinkRefusal, linkRefusal } from "../i18n/errors";
import { useRoute } from "../router";

/** What a refused link means, and where to get another. */
export function LinkProblem({ refusal, next }: { refusal: LinkRefusal; next: ComponentChildren }) {
	const { t } = useI18n();
	const text = {
		link_expired: t("recovery.link.expired"),
		link_used: t("recovery.link.used"),
		link_invalid: t("recovery.link.invalid"),
	}[refusal];
	return (
		<div class="notice link-problem" role="alert">
			<p>{text}</p>
			<p>{next}</p>
		</div>
	);
}

/**
 * A password chosen through a link: `use` spends the link with the password.
 * A refused link is told apart from a refused password (named next to its field).
 */
export function useLinkPasswordForm(use: (token: string, password: string) => Promise<void>) {
	const { query } = useRoute();
	const token = query.get("token") ?? "";
	const [password, setPassword] = useState("");
	const [refusal, setRefusal] = useState<LinkRefusal | null>(token ? null : "link_invalid");
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		try {
			await use(token, password);
		} catch (failure) {
			const link = linkRefusal(failure);
			if (link) setRefusal(link);
			else {
				setError(errorText(failure));
				setFields(fieldErrors(failure));
			}
		} finally {
			setBusy(false);
		}
	};

	return { password, setPassword, refusal, error, fields, busy, submit };
}
