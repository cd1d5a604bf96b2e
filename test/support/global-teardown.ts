import * as fs from 'node:fs';
import { dropDatabase, ENGINES, templateDatabaseName } from './database';
import type { EmbeddedEngineOfRun } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await Promise.all(ENGINES.map((engine) => dropDatabase(templateDatabaseName(), engine)));
  const { licensorEmbeddedEngine: run } = globalThis as { licensorEmbeddedEngine?: EmbeddedEngineOfRun };
  await run?.engine.stop();
  if (run !== undefined) fs.rmSync(run.dataDir, { recursive: true, force: true });
}
