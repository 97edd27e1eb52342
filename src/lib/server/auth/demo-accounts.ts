// Demo accounts, one per role, created when the demo city is loaded on a database without users.
// Passwords are random and printed once to the server log (GRIDATLAS_DEMO_PASSWORD sets one known
// password instead, for tests and training rooms). A real deployment creates its first admin with
// `gridatlas user add --role admin`.
import type { Db } from '../db';
import type { Role } from '../../auth/capabilities';
import { generatePassword, hashPassword } from './password';
import { countUsers, createUser } from './users';

export interface DemoAccount {
	username: string;
	role: Role;
	password: string;
	units: string[];
}

/** The demo jurisdictions: leaders and viewers the city, the planner the first subdistrict, the worker its first grid. */
async function demoUnits(db: Db): Promise<Record<Role, string[]>> {
	const [first] = await db.query<{ sub: string | null; grid: string | null }>(
		`SELECT (SELECT min(code) FROM subdistricts) AS sub,
		        (SELECT min(g.code) FROM grids g WHERE g.code LIKE (SELECT min(code) FROM subdistricts) || '%') AS grid`
	);
	return {
		admin: ['*'],
		leader: ['*'],
		viewer: ['*'],
		planner: first?.sub ? [first.sub] : ['*'],
		worker: first?.grid ? [first.grid] : ['*']
	};
}

const NAMES: Record<Role, string> = { admin: '演示管理员', planner: '演示规划员', leader: '演示领导', worker: '演示网格员', viewer: '演示访客' };

/** Creates the five demo accounts when there are no users yet; returns them (with passwords) or []. */
export async function ensureDemoAccounts(db: Db): Promise<DemoAccount[]> {
	if ((await countUsers(db)) > 0) return [];
	const units = await demoUnits(db);
	const fixed = process.env.GRIDATLAS_DEMO_PASSWORD;
	const roles: Role[] = ['admin', 'planner', 'leader', 'worker', 'viewer'];
	const passwords = roles.map(() => fixed || generatePassword());
	// scrypt runs on libuv's threads: two at a time instead of one after the other (five took 2.5 s of a
	// cold start on two cores), no more, each holds 128 MB while it runs.
	const hashes: string[] = [];
	for (let i = 0; i < roles.length; i += 2) hashes.push(...(await Promise.all(passwords.slice(i, i + 2).map((p) => hashPassword(p)))));
	const made: DemoAccount[] = [];
	for (const [i, role] of roles.entries()) {
		const password = passwords[i];
		await createUser(db, { username: role, password, passwordHash: hashes[i], role, displayName: NAMES[role], units: units[role] });
		made.push({ username: role, role, password, units: units[role] });
	}
	return made;
}

export function formatDemoAccounts(accounts: DemoAccount[]): string {
	const lines = accounts.map((a) => `  ${a.username.padEnd(8)} ${a.password}   (${a.role}; ${a.units.join(', ')})`);
	return [
		'GridAtlas: 演示账户已创建（密码只显示这一次）/ demo accounts created (passwords are shown only this once):',
		...lines,
		'  更改密码：登录后打开“账户” / change them under "Account" after signing in'
	].join('\n');
}
