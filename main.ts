#!/usr/bin/env node
/** Entry point: `tsx main.ts <command>` (npm scripts) or the `conveyor` bin. */
import { main } from './app/cli.ts';

const code = await main(process.argv.slice(2), process.env);
process.exitCode = code;
