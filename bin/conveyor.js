#!/usr/bin/env node
// The package bin: runs the TypeScript entry point through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
