// Keyboard shortcuts for the whole decision on the case page, and their help overlay ("?"). They drive the page's
// own controls (the claim button, the decision form's radios, reason boxes and submit button), so the server's
// rules and the form's checks apply exactly as with the mouse.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';

export const SHORTCUTS: Array<[string, string]> = [
  ['c', 'keys.claim'],
  ['a', 'keys.approve'],
  ['r', 'keys.reject'],
  ['s', 'keys.resubmit'],
  ['1 – 9', 'keys.reason'],
  ['Ctrl + Enter', 'keys.submit'],
  ['n', 'keys.next'],
  ['l', 'keys.landmarks'],
  ['v / w / o', 'keys.views'],
  ['+ / −', 'keys.zoom'],
  ['?', 'keys.help'],
];

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement &&
  (t.isContentEditable ||
    /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
    (t instanceof HTMLInputElement && !['radio', 'checkbox', 'range'].includes(t.type)));

function choose(action: 'approve' | 'reject' | 'resubmit'): void {
  const radio = document.querySelector<HTMLInputElement>(`input[name=action][value=${action}]`);
  if (!radio) return;
  radio.click();
  // Approve: straight to the submit button (Enter confirms); reject/resubmit: to the first reason.
  requestAnimationFrame(() => {
    const target =
      action === 'approve'
        ? document.querySelector<HTMLElement>('[data-testid=decision-submit]')
        : document.querySelector<HTMLElement>('input[name=reason]');
    target?.focus();
  });
}

export function CaseShortcuts({ onNext }: { onNext(): void }) {
  const { t } = useI18n();
  const [help, setHelp] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (help) dialog.current?.focus();
  }, [help]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && help) {
        setHelp(false);
        return;
      }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        const submit = document.querySelector<HTMLButtonElement>('[data-testid=decision-submit]');
        if (submit && !submit.disabled) {
          e.preventDefault();
          submit.click();
        }
        return;
      }
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') {
        e.preventDefault();
        setHelp((h) => !h);
        return;
      }
      if (help || document.querySelector('[role=dialog]:not(.help-overlay)')) return;
      if (e.key === 'c') document.querySelector<HTMLButtonElement>('.claim button.primary')?.click();
      else if (e.key === 'a') choose('approve');
      else if (e.key === 'r') choose('reject');
      else if (e.key === 's') choose('resubmit');
      else if (e.key === 'n') onNext();
      else if (/^[1-9]$/.test(e.key)) {
        const box = document.querySelectorAll<HTMLInputElement>('input[name=reason]')[Number(e.key) - 1];
        if (!box) return;
        box.click();
        box.focus();
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, onNext]);
  return (
    <>
      <p className="hint">
        <button type="button" className="link" onClick={() => setHelp(true)}>
          {t('keys.open')}
        </button>
      </p>
      {help && (
        <div
          className="help-overlay"
          role="dialog"
          aria-modal="true"
          aria-labelledby="keys-title"
          tabIndex={-1}
          ref={dialog}
          onClick={(e) => e.target === e.currentTarget && setHelp(false)}
        >
          <div>
            <h2 id="keys-title">{t('keys.title')}</h2>
            <table className="kv">
              <tbody>
                {SHORTCUTS.map(([k, label]) => (
                  <tr key={k}>
                    <th scope="row">
                      <kbd>{k}</kbd>
                    </th>
                    <td>{t(label)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" onClick={() => setHelp(false)}>
              {t('common.close')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
