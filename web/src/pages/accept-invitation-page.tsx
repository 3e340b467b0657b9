/**
 * Accepts an invitation to GoodFood's staff (`?token=`, valid 7 days): the
 * invited person chooses a password, the staff account is made with the role
 * and locations the invitation gave, and they are signed in and sent to the
 * kitchen board.
 */
import { useState } from "preact/hooks";
import { acceptInvitation } from "../api/back-office";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { errorText, fieldErrors, type LinkRefusal, linkRefusal } from "../i18n/errors";
import { navigate, useRoute } from "../router";
import { startSession } from "../state/session";
import { LinkProblem } from "./reset-password-page";

export function AcceptInvitationPage() {
	const { t } = useI18n();
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
			// Signed in as the new staff account, as registering signs a customer in.
			startSession(await acceptInvitation(token, password));
			navigate("/kitchen");
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

	const title = t("invitation.title");
	return (
		<section class="narrow">
			<PageHeading title={title}>{title}</PageHeading>
			{refusal ? (
				<LinkProblem refusal={refusal} next={t("invitation.askAgain")} />
			) : (
				<form onSubmit={submit} noValidate>
					<p>{t("invitation.intro")}</p>
					<ErrorMessage message={error} takeFocus />
					<TextField
						id="invitation-password"
						label={t("invitation.password")}
						type="password"
						autoComplete="new-password"
						hint={t("register.passwordHint")}
						required
						value={password}
						onValue={setPassword}
						error={fields.password}
					/>
					<button type="submit" class="primary" disabled={busy}>
						{busy ? t("invitation.busy") : t("invitation.submit")}
					</button>
				</form>
			)}
		</section>
	);
}
