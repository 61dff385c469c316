import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import type { Core } from '../core.js';
import { restoreBackup } from '../features/backup/backup.service.js';
import { exportHtml } from '../features/privacy/privacy.service.js';
import { offboardProperty } from '../features/privacy/offboard.js';
import { cliActor } from '../shared/actor.js';
import type { CliIo } from './main.js';

type WithCore = <T>(fn: (core: Core) => T) => Promise<T>;

/** The IT person's and the data-protection officer's commands: backup, restore, guest export/erase, key rotation. */
export async function runOps(command: string, sub: string | undefined, rest: string[], io: CliIo, withCore: WithCore): Promise<number | undefined> {
  switch (command) {
    case 'backup': {
      const info = await withCore((core) => core.backups.create(cliActor('nocturn backup')));
      io.out(JSON.stringify(info));
      return 0;
    }
    case 'restore': {
      const { values, positionals } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true });
      if (!positionals[0]) {
        io.err('Usage: nocturn restore <backup file> [--data-dir DIR]   (DIR must be empty; the master key comes from the environment)');
        return 2;
      }
      const config = loadConfig();
      const target = path.resolve(values['data-dir'] ?? config.dataDir);
      if (!config.masterKey && !config.masterPassphrase) {
        io.err('Set NOCTURN_MASTER_KEY (or NOCTURN_MASTER_PASSPHRASE) to the master key the backup was made with.');
        return 2;
      }
      const key = config.masterKey ? Buffer.from(config.masterKey, 'base64') : { passphrase: config.masterPassphrase! };
      const r = restoreBackup(positionals[0], target, key);
      io.out(JSON.stringify({ restored: r.files, dataDir: target }));
      return 0;
    }
    case 'guest': {
      if (sub !== 'export' && sub !== 'erase') return undefined;
      const { values } = parseArgs({ args: rest, options: { phone: { type: 'string' }, email: { type: 'string' }, yes: { type: 'boolean' }, html: { type: 'string' } }, strict: true });
      const query = { ...(values.phone ? { phone: values.phone } : {}), ...(values.email ? { email: values.email } : {}) };
      if (sub === 'export') {
        const data = await withCore((core) => core.privacy.export(cliActor('nocturn guest export'), query));
        if (values.html) writeFileSync(values.html, exportHtml(data), { mode: 0o600 });
        io.out(JSON.stringify(data, null, 2));
        return 0;
      }
      if (!values.yes) {
        const answer = (await io.stdin()).trim().toLowerCase();
        if (answer !== 'yes' && answer !== 'y') {
          io.err('Erasure cancelled. Answer "yes" on standard input, or pass --yes.');
          return 1;
        }
      }
      const result = await withCore((core) => core.privacy.erase(cliActor('nocturn guest erase'), query));
      io.out(JSON.stringify(result));
      return 0;
    }
    case 'retention': {
      if (sub !== 'run') return undefined;
      const { values } = parseArgs({ args: rest, options: { property: { type: 'string' } }, strict: true });
      const results = await withCore((core) =>
        (values.property ? [core.properties.get(values.property)] : core.properties.list()).map((p) => core.retention.run(core.properties.scope(p.id), cliActor('nocturn retention run'))),
      );
      for (const r of results) io.out(JSON.stringify(r));
      return 0;
    }
    case 'offboard': {
      const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { property: { type: 'string' }, export: { type: 'string' }, yes: { type: 'boolean' } }, strict: true });
      if (!values.property || !values.export) {
        io.err('Usage: nocturn offboard --property S --export FILE [--yes]   (exports the hotel, then destroys its key and database)');
        return 2;
      }
      if (!values.yes && !['yes', 'y'].includes((await io.stdin()).trim().toLowerCase())) {
        io.err('Offboarding cancelled. Answer "yes" on standard input, or pass --yes.');
        return 1;
      }
      const result = await withCore((core) => offboardProperty(core, values.property!, values.export!, cliActor('nocturn offboard')));
      io.out(JSON.stringify(result));
      return 0;
    }
    case 'keys': {
      if (sub !== 'rotate-master') return undefined;
      const { values } = parseArgs({ args: rest, options: { 'new-key-stdin': { type: 'boolean' }, 'new-passphrase-stdin': { type: 'boolean' } }, strict: true });
      if (!values['new-key-stdin'] && !values['new-passphrase-stdin']) {
        io.err('Usage: nocturn keys rotate-master --new-key-stdin | --new-passphrase-stdin');
        return 2;
      }
      const secret = (await io.stdin()).trim();
      const result = await withCore((core) =>
        core.keys.rotateMaster(values['new-key-stdin'] ? { newMasterKey: secret } : { newPassphrase: secret }),
      );
      io.out(JSON.stringify(result));
      io.err('Master key rotated. Put the new key (or passphrase) in the configuration now: the old one no longer opens this data directory.');
      return 0;
    }
    default:
      return undefined;
  }
}

