import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_EXTERNAL_HOSTS } from './navigation.js';

/**
 * The desktop shell's own settings: `desktop.json` in Electron's userData, written by an admin.
 * The server's configuration stays in NOCTURN_* variables (server/config).
 */

const hostPattern = z
  .string()
  .regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i, 'a host name such as booking.example.com or *.example.com')
  .transform((h) => h.toLowerCase());

const settingsSchema = z
  .object({
    /** keychain (default): the OS keychain wraps a random key. passphrase: asked at every start. */
    keyMode: z.enum(['keychain', 'passphrase']).default('keychain'),
    /** More https hosts staff may open in the browser (for example the hotels' own booking sites). */
    externalLinkHosts: z.array(hostPattern).max(200).default([]),
  })
  .strict();

export interface DesktopSettings {
  keyMode: 'keychain' | 'passphrase';
  allowedExternalHosts: string[];
}

export class DesktopSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesktopSettingsError';
  }
}

export function loadDesktopSettings(file: string, env: Record<string, string | undefined>): DesktopSettings {
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new DesktopSettingsError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DesktopSettingsError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  }
  let keyMode = parsed.data.keyMode;
  const override = env.NOCTURN_DESKTOP_KEY_MODE;
  if (override !== undefined && override !== '') {
    if (override !== 'keychain' && override !== 'passphrase') {
      throw new DesktopSettingsError(`NOCTURN_DESKTOP_KEY_MODE must be "keychain" or "passphrase", not "${override.slice(0, 40)}"`);
    }
    keyMode = override;
  }
  return { keyMode, allowedExternalHosts: [...new Set([...DEFAULT_EXTERNAL_HOSTS, ...parsed.data.externalLinkHosts])] };
}
