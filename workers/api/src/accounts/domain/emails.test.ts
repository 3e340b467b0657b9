import { describe, expect, it } from "vitest";
import { invitationEmail, passwordResetEmail, verificationEmail } from "./emails";

const URL = "https://goodfood.example/reset-password?token=abc&x=1";

describe("account e-mails", () => {
	it("a reset e-mail carries the link, its lifetime, and says ignoring it is safe", () => {
		const email = passwordResetEmail({ name: "Grace", url: URL });
		expect(email.subject).toMatch(/reset/i);
		expect(email.text).toContain(URL);
		expect(email.text).toContain("30 minutes");
		expect(email.text).toMatch(/did not ask for this/);
		expect(email.html).toContain('href="https://goodfood.example/reset-password?token=abc&amp;x=1"');
	});

	it("escapes what a person typed in the HTML, and keeps it as typed in the text", () => {
		const email = verificationEmail({ name: "<b>Eve</b>", url: URL });
		expect(email.html).toContain("Hello &lt;b&gt;Eve&lt;/b&gt;,");
		expect(email.html).not.toContain("<b>Eve</b>");
		expect(email.text).toContain("Hello <b>Eve</b>,");
		expect(email.text).toContain("7 days");
	});

	it("an invitation says who invited, as what and where", () => {
		const email = invitationEmail({
			name: "Sam",
			role: "kitchen",
			locations: ["london-soho"],
			invitedBy: "Morgan Manager",
			url: URL,
		});
		expect(email.text).toContain("Morgan Manager has invited you to a GoodFood staff account: kitchen at london-soho.");
		expect(email.text).toContain(URL);
	});
});
