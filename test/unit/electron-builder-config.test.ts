// electron-builder.yml checked with electron-builder's own code (app-builder-lib 26): its config
// loader, its JSON-schema validation, and the file matchers it packs with, applied to the real
// native binaries in node_modules. Packaging itself needs Electron's download (README).
import { readFileSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

interface Configuration {
  [key: string]: unknown;
  appId?: string;
  productName?: string;
  electronVersion?: string;
  directories?: { output?: string; buildResources?: string };
  asarUnpack?: string[];
  npmRebuild?: boolean;
  buildDependenciesFromSource?: boolean;
  linux?: { target?: string[]; files?: string[] };
  win?: { target?: string[]; files?: string[] };
  mac?: { target?: string[]; files?: string[] };
}
type Filter = (file: string, stat: Stats | { isDirectory(): boolean; moduleFullFilePath?: string }) => boolean;
interface FileMatcher {
  from: string;
  to: string;
  patterns: string[];
  excludePatterns: unknown[] | null;
  createFilter(): Filter;
  computeParsedPatterns(result: unknown[], fromDir?: string): void;
}
type MatcherCtor = new (from: string, to: string, macroExpander: (p: string) => string, patterns?: string[]) => FileMatcher;

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
};
const { getFileMatchers, getMainFileMatchers, getNodeModuleFileMatcher, FileMatcher: FileMatcherClass } = require('app-builder-lib/out/fileMatcher.js') as {
  getFileMatchers(config: Configuration, name: string, defaultDestination: string, options: object): FileMatcher[] | null;
  getMainFileMatchers(appDir: string, destination: string, macroExpander: (p: string) => string, platformOptions: object, platformPackager: object, outDir: string, isElectronCompile: boolean): FileMatcher[];
  getNodeModuleFileMatcher(appDir: string, destination: string, macroExpander: (p: string) => string, platformOptions: object, packager: object): FileMatcher;
  FileMatcher: MatcherCtor;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const semver = require('semver') as { satisfies(v: string, range: string): boolean };

const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
const APP = '/packaged/resources/app';
const noMacros = (p: string) => p;
const options = (platform: object = {}) => ({ macroExpander: noMacros, customBuildOptions: platform, globalOutDir: path.join(root, 'release'), defaultSrc: root });
const fileStat = { isDirectory: () => false };

/** electron-builder's macros as expanded when packaging on `platform` (installers are built on their own OS). */
const macrosOn = (platform: NodeJS.Platform) => (p: string) => p.replace(/\$\{platform\}/g, platform);

const packagerInfo = { projectDir: root, buildResourcesDir: path.join(root, 'build'), isPrepackedAppAsar: false, config, debugLogger: { isEnabled: false } };
const platformOptions = (platform: NodeJS.Platform) => (platform === 'linux' ? config.linux : platform === 'win32' ? config.win : config.mac) ?? {};

/** The matcher electron-builder copies the app's own files with (PlatformPackager.doPack / copyAppFiles). */
function appMatcher(platform: NodeJS.Platform): FileMatcher {
  const matchers = getMainFileMatchers(root, APP, macrosOn(platform), platformOptions(platform), { info: packagerInfo }, path.join(root, 'release'), false);
  // More than one matcher means a platform `files` list split the set: the first then packs the whole project.
  expect(matchers, 'one file set').toHaveLength(1);
  // What extraResources / extraFiles copy is left out of the app (and so out of app.asar).
  const excludes: unknown[] = [];
  for (const name of ['extraResources', 'extraFiles']) {
    for (const m of getFileMatchers(config, name, '/packaged/resources', { ...options(platformOptions(platform)), macroExpander: macrosOn(platform) }) ?? []) m.computeParsedPatterns(excludes, root);
  }
  if (excludes.length > 0) matchers[0]!.excludePatterns = excludes;
  return matchers[0]!;
}

/** The filter electron-builder applies to the files of each production module (computeNodeModuleFileSets). */
function nodeModuleFilter(platform: NodeJS.Platform): (relative: string) => boolean {
  const modules = getNodeModuleFileMatcher(root, APP, macrosOn(platform), platformOptions(platform), packagerInfo);
  return (relative) => {
    const [, name] = relative.split('/');
    const filter = new FileMatcherClass(path.join(root, 'node_modules', name!), path.join(APP, 'node_modules', name!), macrosOn(platform), modules.patterns).createFilter();
    return filter(path.join(root, relative), { isDirectory: () => false, moduleFullFilePath: relative });
  };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config).toMatchObject({ appId: 'com.nocturn.appliance', productName: 'Nocturn' });
  });

  it('(the validation is real: a misspelt option fails it)', async () => {
    await expect(validateConfiguration({ ...config, asarUnpak: ['**/*.node'] }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });

  it('pins the installed Electron version, which electron-builder cannot read from an optional dependency range', () => {
    const installed = (JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> };
    expect(config.electronVersion).toBe(installed);
    expect(semver.satisfies(installed, pkg.optionalDependencies!.electron!)).toBe(true);
    // electron-builder refuses electron in "dependencies".
    expect(pkg.dependencies?.electron).toBeUndefined();
    expect(pkg.main).toBe('dist/main/main.js');
  });

  it('builds AppImage and deb, NSIS, and dmg; installers do not land in dist/ (the compiled app)', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.directories?.output).toBe('release');
  });

  it('rebuilds native modules for Electron from source at packaging time', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
  });

  it('unpacks the native libraries from the asar: better-sqlite3, sqlite-vec, onnxruntime, sharp', () => {
    const unpack = getFileMatchers(config, 'asarUnpack', APP, options())![0]!.createFilter();
    const sqliteVec = require('sqlite-vec') as { getLoadablePath(): string };
    const natives = [
      path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node'),
      sqliteVec.getLoadablePath(),
      path.join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v3', 'linux', 'x64', 'onnxruntime_binding.node'),
    ];
    for (const file of natives) expect(unpack(file, statSync(file)), file).toBe(true);
    for (const file of [path.join(root, 'node_modules', 'express', 'index.js'), path.join(root, 'package.json')]) expect(unpack(file, statSync(file)), file).toBe(false);
    expect(unpack(path.join(root, 'dist', 'server', 'main.js'), fileStat)).toBe(false);
  });

  it('ships models/ next to the asar as extra resources', () => {
    const [models] = getFileMatchers(config, 'extraResources', '/packaged/resources', options())!;
    expect(models!.from).toBe(path.join(root, 'models'));
    expect(models!.to).toBe(path.join('/packaged/resources', 'models'));
    expect(models!.createFilter()(path.join(root, 'models', 'intfloat', 'multilingual-e5-small', 'onnx', 'model_quantized.onnx'), fileStat)).toBe(true);
    // The manifest goes into the app instead (the server reads it from the app root).
    expect(models!.createFilter()(path.join(root, 'models', 'manifest.json'), fileStat)).toBe(false);
  });

  it('packs the compiled app and production modules, without sources, maps or the Electron npm package', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const app = appMatcher(platform).createFilter();
      const included = (rel: string) => app(path.join(root, rel), fileStat);
      for (const rel of ['package.json', 'models/manifest.json', 'dist/main/main.js', 'dist/main/preload.cjs', 'dist/server/utility-entry.js', 'dist/server/db/migrations/group/0001_init.sql', 'dist/renderer/index.html']) {
        expect(included(rel), `${platform}: ${rel}`).toBe(true);
      }
      for (const rel of ['dist/main/main.js.map', 'server/main.ts', 'main/main.ts', 'renderer/src/main.tsx', 'electron-builder.yml', 'build/icon.png', 'test/unit/x.test.ts', '.env', 'models/intfloat/e5/onnx/model.onnx']) {
        expect(included(rel), `${platform}: ${rel}`).toBe(false);
      }
      const modules = nodeModuleFilter(platform);
      expect(modules('node_modules/better-sqlite3/lib/index.js')).toBe(true);
      expect(modules('node_modules/electron/index.js')).toBe(false);
      expect(modules('node_modules/@electron/get/dist/cjs/index.js')).toBe(false);
      // onnxruntime's binaries for the building platform only.
      for (const os of ['linux', 'win32', 'darwin']) {
        expect(modules(`node_modules/onnxruntime-node/bin/napi-v3/${os}/x64/onnxruntime_binding.node`), `${platform} packs ${os}`).toBe(os === platform);
      }
    }
  });

  it('has a packaging icon large enough for every platform (512 px at least)', () => {
    const png = readFileSync(path.join(root, 'build', 'icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
  });
});
