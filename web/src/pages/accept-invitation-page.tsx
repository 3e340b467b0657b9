/**
 * Accepts an invitation to GoodFood's staff (`?token=`, valid 7 days): the
 * invited person chooses a password, the staff account is made with the role
 * and locations the invitation gave, and they are signed in and sent to the
 * kitchen board.
 */
import { acceptInvitation } from "../api/back-office";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { navigate } from "../router";
import { startSession } from "../state/session";
import { LinkProblem, useLinkPasswordForm } from "./link-pages";

export function AcceptInvitationPage() {
	const { t } = useI18n();
	const { password, setPassword, refusal, error, fields, busy, submit } = useLinkPasswordForm(
		async (token, password) => {
			// Signed in as the new staff account, as registering signs a customer in.
			startSession(await acceptInvitation(token, password));
			navigate("/kitchen");
		},
	);

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
