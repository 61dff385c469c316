import { z } from 'zod';
import { route, type RouteDef } from '../../http/route.js';
import type { BackupService } from '../backup/backup.service.js';
import type { DataKeyRotation } from '../vault/data-key-rotation.js';
import { exportHtml, GuestQuery, type PrivacyService } from './privacy.service.js';

export interface KeyRotation {
  rotateMaster(input: { newMasterKey?: string | undefined; newPassphrase?: string | undefined }): { propertyKeys: number; secrets: number };
}

export function privacyRoutes(privacy: PrivacyService, backups: BackupService, keys: KeyRotation, dataKeys: DataKeyRotation): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/properties/:id/keys/rotate',
      summary: "Rotate a hotel's data key: new writes use the new key and every stored value is re-encrypted in the background; then the old key is destroyed",
      tag: 'privacy',
      permission: 'privacy.erase',
      status: 202,
      handler: ({ params, actor }) => dataKeys.start(params.id!, actor).progress,
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id/keys/rotation',
      summary: 'Progress of the data-key rotation',
      tag: 'privacy',
      permission: 'privacy.erase',
      handler: ({ params, res }) => dataKeys.status(res.locals.propertyId as string ?? params.id!),
    }),
    route({
      method: 'post',
      path: '/api/v1/privacy/export',
      summary: 'Everything held about one guest (by phone or email) in the hotels you act for; ?format=html for a readable copy',
      tag: 'privacy',
      permission: 'privacy.export',
      body: GuestQuery,
      handler: ({ body, actor, req, res }) => {
        const data = privacy.export(actor, body);
        if (req.query.format === 'html') {
          res.type('text/html').setHeader('Content-Disposition', 'attachment; filename="guest-data.html"');
          res.send(exportHtml(data));
          return undefined;
        }
        return data;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/privacy/erase',
      summary: "Erase one guest's records, conversations and leads (aggregates stay); audited without personal data",
      tag: 'privacy',
      permission: 'privacy.erase',
      body: GuestQuery,
      handler: ({ body, actor }) => privacy.erase(actor, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/system/backups',
      summary: 'Backups on this appliance, newest first',
      tag: 'system',
      permission: 'system.read',
      response: z.object({ items: z.array(z.object({ file: z.string(), bytes: z.number(), createdAt: z.string() })) }),
      handler: () => ({ items: backups.list() }),
    }),
    route({
      method: 'post',
      path: '/api/v1/system/backups',
      summary: 'Take an encrypted online backup now',
      tag: 'system',
      permission: 'privacy.erase',
      status: 201,
      handler: ({ actor }) => backups.create(actor),
    }),
    route({
      method: 'post',
      path: '/api/v1/system/keys/rotate-master',
      summary: 'Rotate the master key (re-wraps every data key; the service keeps running). Update the configured key before the next restart.',
      tag: 'system',
      permission: 'privacy.erase',
      body: z
        .object({
          newMasterKey: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64').optional(),
          newPassphrase: z.string().min(12).max(1024).optional(),
        })
        .strict()
        .refine((b) => Boolean(b.newMasterKey) !== Boolean(b.newPassphrase), { message: 'give exactly one of newMasterKey or newPassphrase' }),
      handler: ({ body, actor }) => ({ ...keys.rotateMaster(body as { newMasterKey?: string; newPassphrase?: string }), rotatedBy: actor.label }),
    }),
  ];
}
