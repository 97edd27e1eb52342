// Where a machine's CPU went during a run, by component (Linux /proc): the app's processes (the server
// and every process under it), PostgreSQL's (every process named postgres: the primary, the replica and
// their backends) and this process (the load generator). On a machine where the database, the app and
// the load share the cores, this says which of them a figure is bounded by.
import fs from 'node:fs';
import os from 'node:os';

const TICKS_PER_S = 100; // USER_HZ on Linux

interface ProcStat {
	pid: number;
	ppid: number;
	comm: string;
	/** user + system CPU, seconds */
	cpuS: number;
}

function readStat(pid: number): ProcStat | null {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// comm is in parentheses and may hold spaces: the fields after the last ')' are fixed
		const close = text.lastIndexOf(')');
		const comm = text.slice(text.indexOf('(') + 1, close);
		const f = text.slice(close + 2).split(' ');
		return { pid, ppid: Number(f[1]), comm, cpuS: (Number(f[11]) + Number(f[12])) / TICKS_PER_S };
	} catch {
		return null; // gone meanwhile
	}
}

function allStats(): ProcStat[] {
	if (os.platform() !== 'linux') return [];
	return fs
		.readdirSync('/proc')
		.filter((d) => /^\d+$/.test(d))
		.map((d) => readStat(Number(d)))
		.filter((s): s is ProcStat => s !== null);
}

export interface CpuSample {
	app: number;
	database: number;
	load: number;
	at: number;
}

/** CPU seconds used so far by each component; `appPid`: the server process the app runs under. */
export function sampleCpu(appPid: number): CpuSample {
	const stats = allStats();
	const children = new Map<number, number[]>();
	for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
	const byPid = new Map(stats.map((s) => [s.pid, s]));
	let app = 0;
	const stack = [appPid];
	while (stack.length) {
		const pid = stack.pop()!;
		app += byPid.get(pid)?.cpuS ?? 0;
		stack.push(...(children.get(pid) ?? []));
	}
	const database = stats.filter((s) => s.comm === 'postgres').reduce((a, s) => a + s.cpuS, 0);
	const own = process.cpuUsage();
	return { app, database, load: (own.user + own.system) / 1e6, at: performance.now() };
}

/** Each component's share of the machine's cores between two samples (1 = one whole core). */
export function cpuCores(a: CpuSample, b: CpuSample): { app: number; database: number; load: number } {
	const s = (b.at - a.at) / 1000;
	const r = (x: number) => Math.round((x / s) * 100) / 100;
	return { app: r(b.app - a.app), database: r(b.database - a.database), load: r(b.load - a.load) };
}
