#!/usr/bin/env node
// `npx gridatlas …`: the command line runs the TypeScript sources through tsx, so there is no
// separate build step for the CLI. tsx is given the project's tsconfig.node.json (the $geo alias) by
// path, so the command works from any directory and before the first build.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)) });
await import('../src/cli/gridatlas.ts');
