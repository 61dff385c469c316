import { pino, type Logger, type DestinationStream } from 'pino';
import { maskDeep, maskPii } from './redact.js';

export type { Logger };

/**
 * The one logger. Every string that reaches a log line passes through maskPii, so a guest's
 * phone number or email address that slips into a message or a field is masked, not written.
 */
export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { app: 'nocturn' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', '*.password', 'token', '*.token', 'secret', '*.secret', 'authorization', '*.authorization', 'cookie', '*.cookie'], censor: '[secret]' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => maskDeep(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPii(a) : a)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
      serializers: { err: (e: Error) => ({ type: e.name, message: maskPii(e.message) }) },
    },
    opts.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
