import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Passphrase mode asks at every start, in a small sandboxed window. The page is a data: URL whose
 * only script is allowed by its hash in the page's own CSP; the script talks to main through
 * passphrase-preload.cts and nothing else.
 */

export const PASSPHRASE_CHANNEL = 'nocturn:passphrase';

export const passphraseReply = z.discriminatedUnion('action', [
  z.object({ action: z.literal('submit'), passphrase: z.string().min(12).max(1024) }).strict(),
  z.object({ action: z.literal('cancel') }).strict(),
]);

export type PassphraseReply = z.infer<typeof passphraseReply>;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const SCRIPT = `
const form = document.getElementById('form');
const pass = document.getElementById('pass');
const again = document.getElementById('again');
const problem = document.getElementById('problem');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (pass.value.normalize('NFKC').length < 12) { problem.textContent = 'The passphrase must be at least 12 characters long.'; return; }
  if (again && again.value !== pass.value) { problem.textContent = 'The two passphrases are different.'; return; }
  window.nocturnPassphrase.submit(pass.value);
});
document.getElementById('cancel').addEventListener('click', () => window.nocturnPassphrase.cancel());
pass.focus();
`;

export interface PromptPage {
  html: string;
  csp: string;
  /** For BrowserWindow.loadURL. */
  dataUrl: string;
}

export function passphrasePromptPage(opts: { firstRun: boolean; problem?: string }): PromptPage {
  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`;
  const intro = opts.firstRun
    ? 'Choose the passphrase that will protect guest data on this computer. It is needed at every start; without it the data cannot be recovered.'
    : 'Enter the passphrase that protects guest data on this computer.';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Unlock Nocturn</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1f2a44;background:#fafafa}
label{display:block;margin:12px 0 4px}input{width:100%;box-sizing:border-box;padding:6px;font-size:14px}
#problem{color:#b3261e;min-height:1.4em;margin:8px 0}.actions{display:flex;gap:8px;justify-content:flex-end}
</style></head><body>
<form id="form">
<p>${escapeHtml(intro)}</p>
<label for="pass">Passphrase</label><input id="pass" type="password" autocomplete="off" minlength="12" required>
${opts.firstRun ? '<label for="again">Repeat the passphrase</label><input id="again" type="password" autocomplete="off" required>' : ''}
<p id="problem" role="alert">${escapeHtml(opts.problem ?? '')}</p>
<div class="actions"><button type="button" id="cancel">Quit</button><button type="submit">Unlock</button></div>
</form>
<script>${SCRIPT}</script>
</body></html>`;
  return { html, csp, dataUrl: `data:text/html;charset=utf-8,${encodeURIComponent(html)}` };
}
