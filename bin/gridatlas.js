#!/usr/bin/env node
// `npx gridatlas …`: the command line runs the TypeScript sources through tsx, so there is no
// separate build step for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/gridatlas.ts');
