// `npm start`: the desktop app when Electron's binary is installed, otherwise the server headless
// under Node, printing the staff URL to open in a browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const bin = require('electron'); // the path of the downloaded binary; throws when it is missing
    return typeof bin === 'string' && existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd, args) {
  const child = spawn(cmd, args, { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const electron = electronBinary();
const headlessDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (electron && existsSync('dist/main/main.js') && !headlessDisplay) {
  run(electron, ['.']);
} else {
  console.error(
    electron
      ? 'No display found: starting Nocturn headless. Open the staff URL below in a browser.'
      : 'Electron is not installed on this machine: starting Nocturn headless. Open the staff URL below in a browser.',
  );
  run(process.execPath, ['bin/nocturn.mjs', 'serve']);
}
