#!/usr/bin/env node
/** Entry point: `tsx main.ts <command>` (npm scripts) or the `conveyor` bin. */
import { existsSync } from 'node:fs';
import { main } from './app/cli.ts';

const command = process.argv[2];
// `start`, `worker`, `doctor` and `migrate` read ./.env when present; variables already set in the environment win.
if ((command === 'start' || command === 'worker' || command === 'doctor' || command === 'migrate') && existsSync('.env')) process.loadEnvFile('.env');

const code = await main(process.argv.slice(2), process.env);
process.exitCode = code;
