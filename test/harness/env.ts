/**
 * Process settings n8n-core reads through `@n8n/config` when its services are first created.
 *
 * This module has to be imported before anything asks the `@n8n/di` Container for an n8n-core
 * service (InstanceSettings, BinaryDataConfig, Logger, ...): the config classes read
 * `process.env` once, when they are constructed. `index.ts` imports it first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder per test file: n8n's user folder (`.n8n/config`) and the binary data store live here. */
export const harnessRoot = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

/** Where binary data is stored in `filesystem` mode. */
export const binaryDataPath = join(harnessRoot, 'binaryData');

const env = process.env;

// Always isolated: never touch a developer's real ~/.n8n.
env.N8N_USER_FOLDER = harnessRoot;
env.N8N_ENCRYPTION_KEY = 'n8n-harness-test-encryption-key';
env.N8N_BINARY_DATA_STORAGE_PATH = binaryDataPath;

// Defaults a caller may override from the command line (e.g. N8N_LOG_LEVEL=debug npx jest ...).
// n8n 2.x stores binary data on the file system by default; `default` keeps it in memory as base64.
env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'filesystem';
// The engine reports every node error through its ErrorReporter, which logs it; keep test output clean.
env.N8N_LOG_LEVEL ??= 'silent';
env.N8N_DIAGNOSTICS_ENABLED = 'false';
env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';
