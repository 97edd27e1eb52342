// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Locals {
			/** The signed-in user or API token, resolved and authorised by hooks.server.ts. */
			user: import('$lib/auth/capabilities').Principal | null;
		}
	}
}
export {};
