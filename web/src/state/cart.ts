/**
 * The open cart at a location. Its id (the secret that reaches it) is kept in
 * localStorage per location and per account, so a guest's cart survives a
 * reload and a signed-in customer's stays theirs.
 */
import * as api from "../api/endpoints";
import { ApiFailure } from "../api/http";
import type { Cart } from "../api/types";
import { session } from "./session";
import { createStore, useStore } from "./store";

export const cart = createStore<Cart | null>(null);

function storageKey(slug: string): string {
	return `goodfood.cart.${session.get().profile?.id ?? "guest"}.${slug}`;
}

function storedId(slug: string): string | null {
	try {
		return localStorage.getItem(storageKey(slug));
	} catch {
		return null;
	}
}

function remember(next: Cart | null, slug: string): void {
	cart.set(next);
	try {
		if (next) localStorage.setItem(storageKey(slug), next.id);
		else localStorage.removeItem(storageKey(slug));
	} catch {
		// Without storage the cart lasts as long as the page.
	}
}

/** A cart that is gone, belongs to someone else, or became an order: start a new one. */
function isStale(error: unknown): boolean {
	return error instanceof ApiFailure && ["cart_not_found", "not_found", "cart_checked_out"].includes(error.code);
}

export async function loadCart(slug: string): Promise<void> {
	const id = storedId(slug);
	if (!id) {
		cart.set(null);
		return;
	}
	try {
		const loaded = await api.getCart(id);
		remember(loaded.status === "open" ? loaded : null, slug);
	} catch (error) {
		if (isStale(error)) remember(null, slug);
		else throw error;
	}
}

async function openCart(slug: string): Promise<Cart> {
	const current = cart.get();
	if (current && current.locationSlug === slug) return current;
	const created = await api.createCart(slug);
	remember(created, slug);
	return created;
}

export async function addToCart(slug: string, line: api.NewLine): Promise<Cart> {
	let target = await openCart(slug);
	try {
		const added = await api.addLine(target.id, line);
		remember(added.cart, slug);
		return added.cart;
	} catch (error) {
		if (!isStale(error)) throw error;
		remember(null, slug);
		target = await openCart(slug);
		const added = await api.addLine(target.id, line);
		remember(added.cart, slug);
		return added.cart;
	}
}

export async function changeQuantity(lineId: string, quantity: number): Promise<void> {
	const current = cart.get();
	if (!current) return;
	const next =
		quantity <= 0 ? await api.removeLine(current.id, lineId) : await api.updateLine(current.id, lineId, { quantity });
	remember(next, current.locationSlug);
}

/** After checkout the cart is an order; the next add starts a new cart. */
export function forgetCart(slug: string): void {
	remember(null, slug);
}

export function useCart(): Cart | null {
	return useStore(cart);
}
