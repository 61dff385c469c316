import { useState } from 'react';
import { useAttention } from './attention';
import { askDesktopPermission, desktopPermission, playChime, type DesktopPermission } from './notifier';

/** Per-desk choice: a desktop notification and/or a chime when a guest needs a person. */
export function AlertSettings() {
  const { prefs, setPrefs } = useAttention();
  const [permission, setPermission] = useState<DesktopPermission>(desktopPermission);

  return (
    <details className="alert-settings">
      <summary className="button">Alerts</summary>
      <div className="alert-settings-panel">
        <p className="alert-settings-title">When a guest needs a person</p>
        <label className="checkbox-row">
          <input type="checkbox" checked={prefs.desktop} onChange={(e) => setPrefs({ ...prefs, desktop: e.target.checked })} />
          Desktop notification
        </label>
        {prefs.desktop && permission === 'default' ? (
          <button type="button" className="button button--small" onClick={() => void askDesktopPermission().then(setPermission)}>
            Allow notifications in this browser
          </button>
        ) : null}
        {prefs.desktop && permission === 'denied' ? <p className="field-hint">This browser blocks notifications from Nocturn; allow them in its site settings.</p> : null}
        {prefs.desktop && permission === 'unsupported' ? <p className="field-hint">This browser cannot show desktop notifications.</p> : null}
        <label className="checkbox-row">
          <input
            type="checkbox"
            checked={prefs.sound}
            onChange={(e) => {
              setPrefs({ ...prefs, sound: e.target.checked });
              if (e.target.checked) playChime();
            }}
          />
          Play a sound
        </label>
        <p className="field-hint">Kept on this computer.</p>
      </div>
    </details>
  );
}
