#!/usr/bin/env node
// The `parley` command. TypeScript runs directly through tsx: no build step.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
