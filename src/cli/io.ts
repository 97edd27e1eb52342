// Where a command's output goes: the terminal when the CLI opened the database itself, the command
// channel when the running app runs it (src/lib/server/cli-channel). Commands write only through this.
import type { Db } from '../lib/server/db';

export interface CommandIO {
	/** Text on standard output as it is (CSV, GeoJSON). */
	write(text: string): void;
	/** A line on standard output. */
	log(line: string): void;
	/** A line on standard error. */
	error(line: string): void;
	/** Progress of a long step (an import's features): a bar on a terminal. */
	progress(label: string, done: number, total: number): void;
	/** Everything on standard input (--password-stdin). */
	stdin(): Promise<string>;
}

export type WithDb = <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

export interface CommandContext {
	io: CommandIO;
	/** Runs fn on the database: opened for it (and closed) here, or the running app's. */
	withDb: WithDb;
	/** Relative file names are resolved against this (the CLI's working directory). */
	cwd: string;
	/**
	 * The database is this process's alone (the CLI opened it, not the running app): no request waits
	 * between its statements, so an import need not keep them short.
	 */
	ownDatabase?: boolean;
}
