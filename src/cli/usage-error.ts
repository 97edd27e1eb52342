// A command line the CLI cannot run (an unknown command, a missing or bad option): the CLI prints the
// message and the usage text and exits with code 2 (see describeFailure in ./commands.ts). Each
// command's own usage error extends it, so one check covers them all.
import { GridAtlasError } from '$geo/errors';

export class UsageError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'usage' });
	}
}

/** The exit code of a usage error (any other failure exits with 1). */
export const USAGE_EXIT_CODE = 2;
