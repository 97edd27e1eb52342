// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Locals {
			/** Filled by hooks.server.ts; roles are enforced there once accounts exist. */
			user: { id: string; roles: string[] } | null;
		}
	}
}
export {};
