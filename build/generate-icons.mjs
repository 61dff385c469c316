// Renders the packaging icon (build/icon.png, 1024x1024: electron-builder derives the .ico, .icns
// and Linux sizes from it) with the same drawing code the tray uses (main/icon.ts).
// Run: node build/generate-icons.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { register } = await import('tsx/esm/api');
register();
const { iconPng } = await import(pathToFileURL(path.join(here, '..', 'main', 'icon.ts')).href);
writeFileSync(path.join(here, 'icon.png'), iconPng({ size: 1024, background: true }));
console.log('wrote build/icon.png');
