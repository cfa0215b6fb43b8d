#!/usr/bin/env node
// The dial launcher: loads only the compiled entry point; everything else is
// imported on demand so start-up stays close to `node -e 0`.
import { runProcess } from '../dist/src/cli/main.js';

void runProcess(process.argv.slice(2));
