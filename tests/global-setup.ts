// Once per `vitest run`: a directory for the demo city that the browser tests' servers copy
// (tests/browser/helpers/app-server.ts fills it on first use), removed at the end of the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
	const dir = path.join(os.tmpdir(), `gridatlas-demo-template-${process.pid}-${Date.now()}`);
	process.env.GRIDATLAS_TEST_DEMO_TEMPLATE = dir;
	return () => fs.rmSync(dir, { recursive: true, force: true });
}
