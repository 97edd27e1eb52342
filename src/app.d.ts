// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
			/** Names an unexpected error in the server log (the answer never carries its text). */
			id?: string;
			/** What was wrong, for programs (bad_limit, bad_since …). */
			code?: string;
		}
		interface Locals {
			/** The signed-in user or API token, resolved and authorised by hooks.server.ts. */
			user: import('$lib/auth/capabilities').Principal | null;
			/** How the request's credential is looked up again (open streams end when it is revoked). */
			credential?: import('$lib/server/auth/live-credentials').Credential;
		}
	}
}
export {};
