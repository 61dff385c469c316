import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The website widget's guest script, served at /widget/widget.js: the TypeScript in guest/ built
 * by esbuild into one self-contained script (an IIFE for the browsers hotel guests use).
 *
 * Built (`npm run build`), the server reads guest/widget.js next to this module in dist/, written
 * by scripts/build-widget.ts. Run from the sources (tests, `tsx`), it builds the script from
 * guest/widget.ts in memory the first time it is asked for, so the sources are what is served.
 */
const ENTRY = fileURLToPath(new URL('./guest/widget.ts', import.meta.url));
/** Where the built script sits: beside this module's compiled form in dist/. */
export const WIDGET_SCRIPT_FILE = fileURLToPath(new URL('./guest/widget.js', import.meta.url));

/** esbuild's settings for the guest script; one place for the build and for development. */
const WIDGET_BUILD = {
  entryPoints: [ENTRY] as string[],
  bundle: true,
  format: 'iife' as const,
  target: 'es2017',
  platform: 'browser' as const,
  charset: 'utf8' as const,
  legalComments: 'none' as const,
  banner: { js: '/* Nocturn guest chat widget */' },
  write: false,
} satisfies import('esbuild').BuildOptions;

/** Builds the guest script from its TypeScript sources (esbuild is a development dependency). */
export function buildWidgetScript(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync(WIDGET_BUILD);
  return result.outputFiles[0]!.text;
}

const fromSources = import.meta.url.endsWith('.ts');
let script: string | undefined;

function readBuilt(): string {
  try {
    return readFileSync(WIDGET_SCRIPT_FILE, 'utf8');
  } catch (err) {
    throw new Error(`The website widget script is not built (${WIDGET_SCRIPT_FILE}): run "npm run build".`, { cause: err });
  }
}

/** The script to serve: the built file, or a fresh build of the sources when running from them. */
export function widgetScript(): string {
  script ??= fromSources ? buildWidgetScript() : readBuilt();
  return script;
}
