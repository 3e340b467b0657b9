/**
 * A Durable Object's live WebSocket, opened from this worker, as an async
 * iterator: what GraphQL subscriptions are fed from. The object keeps the
 * same hibernatable socket a REST client would get; this side turns its JSON
 * messages into values and closes it when the subscriber goes away.
 */
import { Repeater } from "graphql-yoga";

/** The upgrade the objects' live doors expect, with whatever else they read from the request. */
export function upgradeHeaders(extra: Record<string, string>): Headers {
	return new Headers({ ...extra, upgrade: "websocket" });
}

/**
 * The messages of an accepted-to-be WebSocket, each parsed and passed through
 * `select` (undefined drops a message: a greeting, a pong). A Repeater rather
 * than an async generator, so `return()` ends the iteration at once even while
 * a `next()` waits for a message, and the socket is closed then.
 */
export function socketMessages<T>(socket: WebSocket, select: (message: unknown) => T | undefined): Repeater<T> {
	return new Repeater<T>(async (push, stop) => {
		socket.addEventListener("message", (event) => {
			if (typeof event.data !== "string") return;
			let message: unknown;
			try {
				message = JSON.parse(event.data);
			} catch {
				return; // "pong" and anything else that is not a message
			}
			const selected = select(message);
			if (selected !== undefined) void push(selected);
		});
		socket.addEventListener("close", () => stop());
		socket.addEventListener("error", () => stop(new Error("The live stream broke")));
		socket.accept();
		await stop;
		try {
			socket.close(1000, "Subscription ended");
		} catch {
			// Already closed by the object.
		}
	});
}
