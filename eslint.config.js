// Process boundaries are errors, not advice (STYLE.md rule 2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'server/ never imports electron: it must run headless under Node.' };
const sqliteDriver = [
  { name: 'better-sqlite3', message: 'Only repositories and server/db import the SQLite driver.' },
  { name: 'sqlite-vec', message: 'Only server/db loads sqlite-vec.' },
];
// SQL lives in repositories and server/db (STYLE.md rule 4): service code holds a scope
// (transaction(), checkpoint()), never the connection behind it.
const connectionAccess = [
  { group: ['**/db/sqlite', '**/db/sqlite.js'], message: 'Only repositories and server/db hold a database connection; services use the scope and repositories.' },
  { group: ['**/db/handle', '**/db/handle.js'], importNames: ['connectionOf', 'bindConnection'], message: 'Only repositories and server/db reach the connection behind a scope.' },
];
const sqlOutsideRepositories = [
  'error',
  { selector: "CallExpression[callee.property.name=/^(prepare|pragma|loadExtension|backup)$/]", message: 'SQL lives in repositories and server/db: add a repository method.' },
  // exec() is also RegExp#exec, so only an exec of SQL text is flagged.
  ...['arguments.0.value', 'arguments.0.quasis.0.value.raw'].map((text) => ({
    selector: `CallExpression[callee.property.name='exec'][${text}=/^\\s*(select|insert|update|delete|replace|create|drop|alter|pragma|begin|commit|savepoint|with|vacuum|attach)\\b/i]`,
    message: 'SQL lives in repositories and server/db: add a repository method.',
  })),
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
      'no-restricted-imports': ['error', { paths: [noElectron, ...sqliteDriver], patterns: [{ group: ['electron/*'], message: noElectron.message }, ...connectionAccess] }],
      'no-restricted-syntax': sqlOutsideRepositories,
    },
  },
  {
    // One owner for a conversation (issue 17): guests, conversations, messages and leads are written
    // through the conversation ledger, and outbox rows by the outbox. Privacy (erasure, offboarding),
    // retention (expiry) and reports still read and delete these tables through their repositories.
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
      'server/features/retention/**',
    ],
    rules: {
      // Repeats the server block's patterns: a later block's options replace an earlier one's.
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...sqliteDriver],
          patterns: [
            { group: ['electron/*'], message: noElectron.message },
            ...connectionAccess,
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
        { paths: [noElectron, ...sqliteDriver], patterns: [{ group: ['**/*.repository.js', '**/*.repository'], message: 'Routes call services, never repositories.' }, ...connectionAccess] },
      ],
    },
  },
  // One composition root (server/core.ts, with server/main.ts around it): the root knows every feature,
  // no feature knows the root, and the HTTP layer knows no feature (metrics and readiness are passed in).
  // A separate rule name, so these layers add to the per-file rules above instead of replacing them.
  {
    files: ['server/http/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/features/**'], message: 'http/ knows no feature: take what it needs as an interface defined in http/, passed in by server/core.ts.' }] }],
    },
  },
  {
    files: ['server/features/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+(core|main)(\\.js)?$', message: 'Features never import the composition root (server/core.ts, server/main.ts): take what you need as constructor arguments.' }] },
      ],
    },
  },
  {
    // The widget's guest script runs on hotels' websites: browser code, bundled alone, so it imports
    // only its own folder (no Node, no packages, no server code).
    files: ['server/features/channels/widget/guest/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: 'The widget guest script imports only files in its own folder (./x.js).' }] }],
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
