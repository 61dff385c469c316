// Process boundaries are errors, not advice (STYLE.md rule 2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'server/ never imports electron: it must run headless under Node.' };
const sqliteDriver = [
  { name: 'better-sqlite3', message: 'Only repositories and server/db import the SQLite driver.' },
  { name: 'sqlite-vec', message: 'Only server/db loads sqlite-vec.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'models/**', 'test-results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/db/**', 'server/**/*.repository.ts', 'server/**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { paths: [noElectron, ...sqliteDriver], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
    },
  },
  {
    // One owner for a conversation (issue 17): guests, conversations, messages and leads are written
    // through the conversation ledger, and outbox rows by the outbox. Privacy (erasure, offboarding)
    // and reports still read and delete these tables directly.
    files: ['server/**/*.ts'],
    ignores: [
      'server/db/**',
      'server/**/*.repository.ts',
      'server/**/*.test.ts',
      'server/features/conversations/**',
      'server/features/guests/**',
      'server/features/leads/**',
      'server/features/outbox/**',
      'server/features/privacy/**',
      'server/features/reports/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...sqliteDriver],
          patterns: [
            {
              group: ['**/conversations/conversation.repository*', '**/guests/guest.repository*', '**/guests/guest-identifier.repository*', '**/leads/lead.repository*'],
              message: 'Conversations, guests and leads are written through the ConversationLedger (conversations/conversation-ledger.ts).',
            },
            { group: ['**/outbox/outbox.repository*'], message: 'Outbox rows are written by the outbox: replies through the ledger, the rest through OutboxService.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/db/**/*.ts', 'server/**/*.repository.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['server/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, ...sqliteDriver], patterns: [{ group: ['**/*.repository.js', '**/*.repository'], message: 'Routes call services, never repositories.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '!**/server/contract', '!**/server/contract/**'], message: 'The renderer imports only the shared API contract (server/contract).' },
            { group: ['**/main/**'], message: 'The renderer never imports the Electron main process.' },
            { group: ['node:*', 'better-sqlite3', 'sqlite-vec', 'electron'], message: 'The renderer runs in a sandboxed browser page.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports the renderer.' }, { group: ['**/server/**', '!**/server/contract', '!**/server/contract/**'], message: 'main/ starts the server as a process; it never imports server internals.' }] },
      ],
    },
  },
);
