#!/usr/bin/env node
// The dial launcher: loads the bundled CLI (dist/cli, made by
// scripts/bundle-cli.mjs from the compiled sources); everything past the
// argument parser is imported on demand so start-up stays close to `node -e 0`.
import { runProcess } from '../dist/cli/main.js';

void runProcess(process.argv.slice(2));
