// Who is signed in, for the header (links by capability, the account menu).
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const p = locals.user;
	return { principal: p ? { name: p.name, displayName: p.displayName, role: p.role, kind: p.kind, capabilities: p.capabilities, units: p.units } : null };
};
