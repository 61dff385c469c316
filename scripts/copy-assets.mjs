// Copies the non-TypeScript server assets (SQL migrations) next to the compiled code in dist/.
import { cpSync } from 'node:fs';
cpSync('server/db/migrations', 'dist/server/db/migrations', { recursive: true });
