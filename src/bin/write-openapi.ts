import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateOpenApiJson } from './openapi-document';

/** `npm run openapi`: writes openapi/openapi.json, which a test compares with the code. */
async function main(): Promise<void> {
  const file = path.resolve('openapi', 'openapi.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await generateOpenApiJson());
  process.stdout.write(`Wrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
