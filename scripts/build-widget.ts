// Builds the website widget's guest script (server/features/channels/widget/guest/*.ts) into
// dist/, where the compiled server reads it: `npm run build:server` runs this after tsc.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildWidgetScript, WIDGET_SCRIPT_FILE } from '../server/features/channels/widget/widget.client.js';
import { projectRoot } from '../server/shared/paths.js';

const root = projectRoot();
const target = path.join(root, 'dist', path.relative(root, WIDGET_SCRIPT_FILE));
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, buildWidgetScript());
process.stdout.write(`widget script: ${path.relative(root, target)}\n`);
