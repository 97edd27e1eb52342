// `gridatlas user …` and `gridatlas token …`: accounts and tokens from the command line (the first
// admin is created here). New passwords are generated and printed once, or read from stdin.
import { UsageError } from './usage-error';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CommandContext } from './io';
import { AccountError, createUser, getUserByName, listUsers, setPassword, updateUser } from '../lib/server/auth/users';
import { generatePassword, PasswordPolicyError } from '../lib/server/auth/password';
import { createToken, listTokens, revokeToken } from '../lib/server/auth/tokens';

export const ACCOUNTS_USAGE = `  gridatlas user add <name> --role admin|planner|leader|worker|viewer [--units <code,…|*>]
                   [--display-name <text>] [--password-stdin]
  gridatlas user list | passwd <name> [--password-stdin] | disable <name> | enable <name>
  gridatlas token add --name <text> --kind api|wall [--units <code,…|*>] [--days <n>]
  gridatlas token list | revoke <id>`;

export class AccountsUsageError extends UsageError {}

async function readStdinPassword(ctx: CommandContext): Promise<string> {
	return (await ctx.io.stdin()).replace(/\r?\n$/, '');
}

const unitList = (text: string | undefined) => (text ? text.split(/[\s,]+/).filter(Boolean) : undefined);

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
	try {
		return parseArgs({ args, allowPositionals: true, options });
	} catch (err) {
		throw new AccountsUsageError(err instanceof Error ? err.message : String(err));
	}
}

async function friendly<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (err) {
		if (err instanceof AccountError || err instanceof PasswordPolicyError) throw new AccountsUsageError(err.message);
		throw err;
	}
}

export async function runUser(args: string[], ctx: CommandContext): Promise<number> {
	const { withDb, io } = ctx;
	const [sub, ...rest] = args;
	const { values, positionals } = parse(rest, {
		role: { type: 'string' },
		units: { type: 'string' },
		'display-name': { type: 'string' },
		'password-stdin': { type: 'boolean', default: false }
	});
	const name = positionals[0];
	const password = async () => (values['password-stdin'] ? readStdinPassword(ctx) : generatePassword());
	if (sub === 'list') {
		return withDb(async (db) => {
			for (const u of await listUsers(db)) {
				io.log(`${u.username.padEnd(16)} ${u.role.padEnd(8)} ${(u.disabled ? 'disabled' : 'active').padEnd(9)} ${u.units.join(',')}  ${u.display_name}`);
			}
			return 0;
		});
	}
	if (!name) throw new AccountsUsageError('请给出用户名 / give a user name');
	if (sub === 'add') {
		if (!values.role) throw new AccountsUsageError('请用 --role 指定角色 / give a --role');
		const pw = await password();
		return withDb((db) =>
			friendly(async () => {
				const u = await createUser(db, {
					username: name,
					role: String(values.role),
					units: unitList(values.units as string),
					displayName: values['display-name'] as string,
					password: pw
				});
				io.log(`已创建 / created ${u.username} (${u.role}; ${u.units.join(', ')})`);
				if (!values['password-stdin']) io.log(`密码（只显示这一次）/ password (shown only this once): ${pw}`);
				return 0;
			})
		);
	}
	if (sub === 'passwd' || sub === 'disable' || sub === 'enable') {
		const pw = sub === 'passwd' ? await password() : '';
		return withDb((db) =>
			friendly(async () => {
				const user = await getUserByName(db, name);
				if (!user) throw new AccountsUsageError(`没有用户“${name}”/ no user named ${name}`);
				if (sub === 'passwd') {
					await setPassword(db, user.id, pw);
					io.log(
						values['password-stdin']
							? `已更改 ${name} 的密码 / password of ${name} changed`
							: `${name} 的新密码（只显示这一次）/ new password (shown only this once): ${pw}`
					);
				} else {
					await updateUser(db, user.id, { disabled: sub === 'disable' });
					io.log(`${name}: ${sub === 'disable' ? '已停用 / disabled' : '已启用 / enabled'}`);
				}
				return 0;
			})
		);
	}
	throw new AccountsUsageError(`未知子命令 / unknown: user ${sub ?? ''}`);
}

export async function runToken(args: string[], ctx: CommandContext): Promise<number> {
	const { withDb, io } = ctx;
	const [sub, ...rest] = args;
	const { values, positionals } = parse(rest, { name: { type: 'string' }, kind: { type: 'string' }, units: { type: 'string' }, days: { type: 'string' } });
	if (sub === 'list') {
		return withDb(async (db) => {
			for (const t of await listTokens(db)) {
				io.log(
					`${String(t.id).padStart(4)} ${t.kind.padEnd(5)} ${t.token_prefix}…  ${t.name}  [${t.scopes.join(',')}] ${t.unit_codes.join(',')}${t.revoked_at ? '  revoked' : ''}`
				);
			}
			return 0;
		});
	}
	if (sub === 'add') {
		const days = values.days === undefined ? undefined : Number(values.days);
		return withDb((db) =>
			friendly(async () => {
				const { token, row } = await createToken(db, {
					name: String(values.name ?? ''),
					kind: String(values.kind ?? ''),
					units: unitList(values.units as string),
					expiresInDays: days
				});
				io.log(`已创建令牌 / token created: #${row.id} ${row.name} (${row.kind}; ${row.scopes.join(', ')})`);
				io.log(`令牌（只显示这一次）/ token (shown only this once): ${token}`);
				return 0;
			})
		);
	}
	if (sub === 'revoke') {
		const id = Number(positionals[0]);
		if (!Number.isInteger(id) || id < 1) throw new AccountsUsageError('请给出令牌编号 / give the token id (see `gridatlas token list`)');
		return withDb((db) =>
			friendly(async () => {
				const row = await revokeToken(db, id);
				io.log(`已吊销 / revoked: #${row.id} ${row.name}`);
				return 0;
			})
		);
	}
	throw new AccountsUsageError(`未知子命令 / unknown: token ${sub ?? ''}`);
}
