/// <reference lib="dom" />
// The settings dialog: the API URL this spreadsheet talks to (checked against /v1/health on save).
import { call, closeDialog, ServerError } from './run.js';

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el;
}

function say(kind: 'ok' | 'error', text: string): void {
  const m = $('message');
  m.className = `msg ${kind}`;
  m.textContent = text;
  m.hidden = false;
}

function init(): void {
  const input = $('api-url') as HTMLInputElement;
  const save = $('save') as HTMLButtonElement;
  call('getSettings').then(
    (a) => {
      input.value = a.data.apiUrl;
      if (a.data.allowedPrefixes.length) {
        $('allowed').hidden = false;
        $('allowed').textContent = `This deployment may call: ${a.data.allowedPrefixes.join(', ')}`;
      }
      $('who').textContent = a.data.email ? `Requests are signed as ${a.data.email}.` : '';
    },
    (e: unknown) => say('error', e instanceof Error ? e.message : String(e)),
  );
  save.addEventListener('click', () => {
    save.disabled = true;
    call('saveSettings', input.value).then(
      (a) => {
        input.value = a.data.apiUrl;
        say('ok', a.notice ?? 'Saved.');
        setTimeout(() => closeDialog(), 1200);
      },
      (e: unknown) => {
        say('error', e instanceof ServerError || e instanceof Error ? e.message : String(e));
        save.disabled = false;
      },
    );
  });
  $('close').addEventListener('click', () => closeDialog());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
