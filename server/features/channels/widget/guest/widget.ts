/**
 * The website chat widget as served at /widget/widget.js, which a hotel pastes into its pages with
 * `<script src="https://<public url>/widget/widget.js" data-key="wk_..."></script>`. Built into one
 * self-contained script (no dependencies) by ../widget.client.ts.
 *
 * It renders into a shadow root (the hotel's CSS cannot break it, its CSS cannot leak out): a
 * launcher button and an accessible chat panel (dialog with a focus trap, Escape closes, full
 * screen on a phone), an optional name and contact form before or after the first message, live
 * replies and a typing indicator over server-sent events with reconnect and history, the guest
 * character limit with a clear error, and "Was this helpful?" on AI replies. The session id is
 * random, made in the browser, kept in localStorage. This file is the page glue; what the widget
 * decides is in widget-logic.ts.
 */
import { WIDGET_CSS } from './widget.css.js';
import {
  addLive,
  apiUrl,
  applyHistory,
  chars,
  contactFields,
  contactProblem,
  contactTexts,
  DEFAULT_CONFIG,
  DEFAULT_MAX_LENGTH,
  FIRST_RETRY_MS,
  launcherLabel,
  lengthHint,
  linkParts,
  nextRetryMs,
  OFFLINE_FAILURE,
  onColour,
  parseJson,
  randomId,
  readStreamEvent,
  sendFailure,
  speaker,
  streamUrl,
  tooLong,
  WidgetStore,
  widgetBase,
  type ChatItem,
  type Contact,
  type ContactMode,
  type ServerMessage,
  type WidgetConfig,
} from './widget-logic.js';

declare global {
  interface Window {
    __nocturnWidgets?: Record<string, boolean>;
  }
}

interface ApiAnswer {
  ok: boolean;
  status: number;
  data: unknown;
  retryAfter: number;
}

/** The parts of one message bubble on the page. */
interface ItemView {
  node: HTMLElement;
  status: HTMLElement;
  fb?: { up: HTMLElement; down: HTMLElement; thanks: HTMLElement };
}

type Attrs = Record<string, string | boolean | null | undefined>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, children?: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  const a = attrs || {};
  Object.keys(a).forEach((k) => {
    const v = a[k];
    if (v === null || v === undefined || v === false) return;
    if (k === 'text') n.textContent = String(v);
    else if (k === 'class') n.className = String(v);
    else n.setAttribute(k, v === true ? '' : String(v));
  });
  (children || []).forEach((c) => {
    if (c) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  });
  return n;
}

const SVG = 'http://www.w3.org/2000/svg';
const THUMB = 'M2 10h4v11H2zM22 11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.4-1L13.2 2 7.6 7.6A2 2 0 0 0 7 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7a2 2 0 0 0 .2-.8z';
const BUBBLE = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

function svgIcon(d: string, rotate?: boolean): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (rotate) svg.setAttribute('transform', 'rotate(180)');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', d);
  svg.appendChild(p);
  return svg;
}

/** Text with web links made clickable; everything else stays text. */
function richText(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const p of linkParts(text)) {
    frag.appendChild(p.link ? el('a', { href: p.text, target: '_blank', rel: 'noopener noreferrer', text: p.text }) : document.createTextNode(p.text));
  }
  return frag;
}

function widget(script: HTMLScriptElement): void {
  const KEY = script.getAttribute('data-key') || '';
  const BASE = widgetBase(script.src);
  const registry = (window.__nocturnWidgets = window.__nocturnWidgets || {});
  if (registry[KEY]) return;
  registry[KEY] = true;

  let cfg: WidgetConfig = { ...DEFAULT_CONFIG };
  let MAX = DEFAULT_MAX_LENGTH;
  const fill = (a: Uint8Array) => {
    window.crypto.getRandomValues(a);
  };
  const store = new WidgetStore(KEY, (area) => window[area]);
  const sessionId = store.sessionId(() => randomId('ws_', 24, fill));
  let contact: Contact | null = store.contact();
  let contactAsked = store.read('sessionStorage', 'contact-asked') === '1';

  function api(method: string, path: string, body?: Record<string, unknown>): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    const init: RequestInit = { method, mode: 'cors', credentials: 'omit', headers };
    if (body) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(apiUrl(BASE, KEY, path), init).then((res) =>
      res.text().then((t) => ({ ok: res.ok, status: res.status, data: t ? parseJson(t) : null, retryAfter: Number(res.headers.get('Retry-After') || 0) })),
    );
  }

  // ---- state ----
  const items: ChatItem[] = []; // in display order
  const views = new WeakMap<ChatItem, ItemView>();
  let unavailable = false;
  let typing = false;
  let unread = 0;
  let source: EventSource | null = null;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let ready: Promise<void> | null = null;
  /** The reply as the model writes it; the final message replaces it. */
  let draft: { node: HTMLElement; body: HTMLElement; timer: ReturnType<typeof setTimeout> | undefined } | null = null;

  // ---- DOM ----
  const host = el('div', { 'data-nocturn-widget': '' });
  const root: ShadowRoot | HTMLElement = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  const style = el('style', { text: WIDGET_CSS });
  const badge = el('span', { class: 'badge', hidden: true });
  const launcherText = el('span', { text: 'Chat with us' });
  const launcher = el('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'nw-panel', 'aria-haspopup': 'dialog' }, [svgIcon(BUBBLE), launcherText, badge]);

  const title = el('h2', { id: 'nw-title', text: cfg.title });
  const closeBtn = el('button', { class: 'close', type: 'button', 'aria-label': 'Close chat', text: '\u00d7' });
  const notice = el('p', { class: 'notice', role: 'status', hidden: true });
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
  const greeting = el('div', { class: 'msg greeting', text: cfg.greeting });
  log.appendChild(greeting);
  const typingText = el('span', { text: 'Typing\u2026' });
  const typingBox = el('div', { class: 'typing', role: 'status', hidden: true }, [el('span', { class: 'dots', 'aria-hidden': 'true' }, [el('span'), el('span'), el('span')]), ' ', typingText]);

  // Contact form (before or after the first message).
  const contactTitle = el('h3', { id: 'nw-contact-title' });
  const contactIntro = el('p', { id: 'nw-contact-intro' });
  const nameInput = el('input', { id: 'nw-name', name: 'name', type: 'text', autocomplete: 'name', maxlength: '100' });
  const emailInput = el('input', { id: 'nw-email', name: 'email', type: 'email', autocomplete: 'email', maxlength: '200' });
  const phoneInput = el('input', { id: 'nw-phone', name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: '40' });
  const contactError = el('p', { class: 'error', id: 'nw-contact-error', role: 'alert' });
  const contactSubmit = el('button', { class: 'primary', type: 'submit' });
  const contactSkip = el('button', { class: 'secondary', type: 'button', text: 'No thanks' });
  const contactFieldsBox = el('div', { class: 'fields' }, [el('label', { for: 'nw-name' }, ['Name', nameInput]), el('label', { for: 'nw-email' }, ['Email', emailInput]), el('label', { for: 'nw-phone' }, ['Phone', phoneInput]), contactError]);
  const contactForm = el('form', { class: 'contact', 'aria-labelledby': 'nw-contact-title', 'aria-describedby': 'nw-contact-intro', novalidate: true, hidden: true }, [
    contactTitle,
    contactIntro,
    contactFieldsBox,
    el('div', { class: 'row' }, [contactSubmit, contactSkip]),
  ]);

  const input = el('textarea', { id: 'nw-input', name: 'message', rows: '1', placeholder: 'Type your message', 'aria-describedby': 'nw-hint nw-error' });
  const sendBtn = el('button', { class: 'primary', type: 'submit', text: 'Send' });
  const composer = el('form', { class: 'composer', 'aria-label': 'Send a message' }, [el('label', { class: 'sr-only', for: 'nw-input', text: 'Your message' }), input, sendBtn]);
  const hint = el('p', { class: 'hint', id: 'nw-hint', 'aria-live': 'polite' });
  const error = el('p', { class: 'error', id: 'nw-error', role: 'alert' });

  const panel = el('div', { class: 'panel', id: 'nw-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'nw-title', hidden: true }, [
    el('div', { class: 'header' }, [title, closeBtn]),
    notice,
    log,
    typingBox,
    contactForm,
    composer,
    hint,
    error,
  ]);
  root.appendChild(style);
  root.appendChild(launcher);
  root.appendChild(panel);

  function applyColour(): void {
    host.style.setProperty('--nw-accent', cfg.color);
    host.style.setProperty('--nw-on-accent', onColour(cfg.color));
  }
  applyColour();

  // ---- rendering ----
  function setNotice(text: string): void {
    notice.textContent = text || '';
    notice.hidden = !text;
  }
  function setError(text: string): void {
    error.textContent = text || '';
  }
  function setTyping(on: boolean): void {
    typing = on;
    typingBox.hidden = !typing;
    if (typing) scrollDown(true);
  }
  function scrollDown(force: boolean): void {
    const near = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    if (force || near) log.scrollTop = log.scrollHeight;
  }

  function renderItem(item: ChatItem): HTMLElement {
    let view = views.get(item);
    if (!view) {
      const node = el('div', { class: 'msg ' + item.role });
      node.appendChild(el('span', { class: 'sr-only', text: speaker(item.role, cfg.title) + ': ' }));
      const body = el('span');
      body.appendChild(richText(item.text));
      node.appendChild(body);
      const status = el('span', { class: 'state' });
      node.appendChild(status);
      view = { node, status };
      views.set(item, view);
    }
    const n = view.node;
    const status = view.status;
    n.className = 'msg ' + item.role + (item.state === 'failed' ? ' failed' : '');
    status.textContent = '';
    status.hidden = true;
    if (item.role === 'guest' && (item.state === 'sending' || item.state === 'failed')) {
      status.hidden = false;
      status.appendChild(document.createTextNode(item.state === 'sending' ? 'Sending\u2026' : 'Not sent.'));
      if (item.state === 'failed') {
        const retry = el('button', { class: 'retry', type: 'button', text: 'Retry' });
        retry.addEventListener('click', () => post(item));
        status.appendChild(retry);
      }
    }
    if (item.rateable && item.id && !view.fb) {
      const label = el('span', { id: 'nw-fb-' + item.id, text: 'Was this helpful?' });
      const up = el('button', { type: 'button', 'aria-label': 'Yes, helpful', 'aria-pressed': 'false' }, [svgIcon(THUMB), 'Yes']);
      const down = el('button', { type: 'button', 'aria-label': 'No, not helpful', 'aria-pressed': 'false' }, [svgIcon(THUMB, true), 'No']);
      const thanks = el('span', { 'aria-live': 'polite' });
      up.addEventListener('click', () => rate(item, true));
      down.addEventListener('click', () => rate(item, false));
      view.fb = { up, down, thanks };
      n.appendChild(el('div', { class: 'feedback', role: 'group', 'aria-labelledby': 'nw-fb-' + item.id }, [label, up, down, thanks]));
    }
    if (view.fb) {
      view.fb.up.setAttribute('aria-pressed', item.feedback === 'up' ? 'true' : 'false');
      view.fb.down.setAttribute('aria-pressed', item.feedback === 'down' ? 'true' : 'false');
      view.fb.thanks.textContent = item.feedback ? 'Thanks for your feedback.' : '';
    }
    return n;
  }

  /** Shows the reply written so far in a bubble at the end of the log (hidden from screen readers: the final one is read). */
  function showDraft(text: string): void {
    if (!draft) {
      const body = el('span');
      draft = { body, timer: undefined, node: el('div', { class: 'msg assistant draft', 'aria-hidden': 'true', 'data-draft': '' }, [body]) };
    }
    clearTimeout(draft.timer);
    draft.timer = undefined;
    // Plain text: links become clickable in the final message (nothing focusable inside aria-hidden).
    draft.body.textContent = text;
    log.appendChild(draft.node);
    scrollDown(false);
  }
  function dropDraft(): void {
    if (!draft) return;
    clearTimeout(draft.timer);
    if (draft.node.parentNode) draft.node.parentNode.removeChild(draft.node);
    draft = null;
  }
  /** Work ended: the final message is on its way; a silent hand-off sends none, so the draft goes after a while. */
  function expireDraft(): void {
    if (draft && !draft.timer) draft.timer = setTimeout(dropDraft, 5000);
  }

  function render(): void {
    let before: ChildNode | null = log.childNodes[1] || null;
    items.forEach((item) => {
      const n = renderItem(item);
      if (n !== before) log.insertBefore(n, before);
      before = n.nextSibling;
    });
    scrollDown(false);
  }

  /** A live reply: the newest message there is. */
  function showLive(m: ServerMessage): void {
    const added = addLive(items, m);
    if (added && panel.hidden && m.role !== 'guest') {
      unread++;
      showUnread();
    }
    render();
    scrollDown(true);
  }
  function showHistory(list: ServerMessage[]): void {
    applyHistory(items, list);
    render();
    scrollDown(true);
  }
  function showUnread(): void {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    launcherText.textContent = launcherLabel(unread);
  }

  // ---- server ----
  function loadConfig(): Promise<void> {
    return api('GET', 'config').then((r) => {
      if (!r.ok || !r.data) throw new Error('unavailable');
      cfg = r.data as WidgetConfig;
      MAX = cfg.maxLength || MAX;
      title.textContent = cfg.title;
      greeting.textContent = cfg.greeting;
      typingText.textContent = cfg.title + ' is typing\u2026';
      applyColour();
    });
  }
  function loadHistory(): Promise<void> {
    return api('GET', 'messages?session=' + encodeURIComponent(sessionId)).then(
      (r) => {
        const data = r.data as { messages?: ServerMessage[]; typing?: boolean } | null;
        if (!r.ok || !data) return;
        showHistory(data.messages || []);
        setTyping(Boolean(data.typing));
        if (!data.typing) dropDraft();
        updateForms();
      },
      () => {
        /* the stream reconnects and tries again */
      },
    );
  }
  function connect(): void {
    if (source || unavailable || typeof EventSource === 'undefined') return;
    clearTimeout(retryTimer);
    const es = new EventSource(streamUrl(BASE, KEY, sessionId));
    source = es;
    const on = (type: string) =>
      es.addEventListener(type, (e) => {
        const event = readStreamEvent(type, (e as MessageEvent<string>).data);
        if (!event) return;
        switch (event.kind) {
          case 'ready':
            retryMs = FIRST_RETRY_MS;
            setNotice('');
            setTyping(event.typing);
            void loadHistory();
            break;
          case 'message':
            setTyping(false);
            if (event.message.role !== 'guest') dropDraft();
            showLive(event.message);
            break;
          case 'delta':
            showDraft(event.text);
            break;
          case 'typing':
            setTyping(event.active);
            if (!event.active) expireDraft();
            break;
        }
      });
    for (const type of ['ready', 'message', 'reply.delta', 'typing']) on(type);
    es.onerror = () => {
      setNotice('Connection lost \u2014 reconnecting\u2026');
      if (source && source.readyState === 2) {
        source.close();
        source = null;
        retryTimer = setTimeout(connect, retryMs);
        retryMs = nextRetryMs(retryMs);
      }
    };
  }
  function markUnavailable(): void {
    unavailable = true;
    clearTimeout(retryTimer);
    if (source) {
      source.close();
      source = null;
    }
    host.setAttribute('data-state', 'unavailable');
    setNotice('Chat is not available on this website right now.');
    composer.hidden = true;
    contactForm.hidden = true;
    hint.hidden = true;
  }
  /** Loads the hotel's settings once; fails (and shows the unavailable state) when this site may not use the key. */
  function start(): Promise<void> {
    if (!ready) {
      ready = loadConfig().then(
        () => {
          host.setAttribute('data-state', 'ready');
          updateForms();
          if (store.read('sessionStorage', 'active') === '1') connect();
        },
        (err: unknown) => {
          markUnavailable();
          throw err;
        },
      );
      ready.catch(() => {
        /* shown in the panel */
      });
    }
    return ready;
  }

  function post(item: ChatItem): void {
    item.state = 'sending';
    render();
    const body: Record<string, unknown> = { key: KEY, sessionId, clientMessageId: item.clientMessageId, text: item.text, ...contactFields(contact) };
    api('POST', 'messages', body).then(
      (r) => {
        if (r.ok) {
          item.state = 'sent';
          store.write('sessionStorage', 'active', '1');
          connect();
          setError('');
          if (!contact && !cfg.askContactBefore && !contactAsked) showContactForm('after');
        } else {
          item.state = 'failed';
          setError(sendFailure(r));
        }
        render();
      },
      () => {
        item.state = 'failed';
        setError(OFFLINE_FAILURE);
        render();
      },
    );
  }

  function send(): void {
    const text = input.value.trim();
    if (!text) return;
    const n = chars(text);
    if (n > MAX) {
      input.setAttribute('aria-invalid', 'true');
      setError(tooLong(n, MAX));
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    setError('');
    const item: ChatItem = { id: null, clientMessageId: randomId('cm_', 12, fill), role: 'guest', text, createdAt: new Date().toISOString(), state: 'sending', feedback: null, rateable: false };
    items.push(item);
    input.value = '';
    updateHint();
    render();
    scrollDown(true);
    post(item);
  }

  function rate(item: ChatItem, helpful: boolean): void {
    const previous = item.feedback;
    item.feedback = helpful ? 'up' : 'down';
    renderItem(item);
    const undo = () => {
      item.feedback = previous;
      renderItem(item);
    };
    api('POST', 'feedback', { key: KEY, sessionId, messageId: item.id, helpful }).then((r) => {
      if (!r.ok) undo();
    }, undo);
  }

  function updateHint(): void {
    const n = chars(input.value.trim());
    hint.textContent = lengthHint(n, MAX);
    if (n > MAX) input.setAttribute('aria-invalid', 'true');
    else if (input.getAttribute('aria-invalid')) {
      input.removeAttribute('aria-invalid');
      setError('');
    }
  }

  // ---- contact form ----
  let contactMode: ContactMode | null = null;
  function showContactForm(mode: ContactMode): void {
    contactMode = mode;
    contactError.textContent = '';
    const texts = contactTexts(mode);
    contactTitle.textContent = texts.title;
    contactIntro.textContent = texts.intro;
    contactSubmit.textContent = texts.submit;
    if (mode === 'before') {
      contactSkip.hidden = true;
      contactFieldsBox.hidden = false;
      composer.hidden = true;
    } else {
      contactSkip.hidden = false;
      contactFieldsBox.hidden = true;
      contactAsked = true;
      store.write('sessionStorage', 'contact-asked', '1');
    }
    contactForm.hidden = false;
    if (!panel.hidden && mode === 'before') nameInput.focus();
  }
  function hideContactForm(): void {
    contactForm.hidden = true;
    composer.hidden = unavailable;
    contactMode = null;
  }
  function updateForms(): void {
    if (unavailable) return;
    const hasMessages = items.length > 0;
    if (cfg.askContactBefore && !contact && !hasMessages) showContactForm('before');
    else if (contactMode === 'before') hideContactForm();
  }
  contactForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (contactFieldsBox.hidden) {
      contactFieldsBox.hidden = false;
      contactSubmit.textContent = 'Save details';
      nameInput.focus();
      return;
    }
    const c = { name: nameInput.value.trim(), email: emailInput.value.trim(), phone: phoneInput.value.trim() };
    const problem = contactProblem(c);
    if (problem) {
      contactError.textContent = problem;
      emailInput.setAttribute('aria-invalid', 'true');
      emailInput.focus();
      return;
    }
    emailInput.removeAttribute('aria-invalid');
    contact = c;
    store.write('sessionStorage', 'contact', JSON.stringify(c));
    const mode = contactMode;
    hideContactForm();
    if (mode === 'after') {
      const body = { key: KEY, sessionId, clientRequestId: randomId('cr_', 12, fill), ...contactFields(contact) };
      api('POST', 'contact', body).then(
        (r) => {
          hint.textContent = r.ok ? 'Thank you \u2014 we will be in touch.' : '';
        },
        () => {
          /* sent again with the next message */
        },
      );
    }
    input.focus();
  });
  contactSkip.addEventListener('click', () => {
    hideContactForm();
    input.focus();
  });

  // ---- panel ----
  function focusables(): HTMLElement[] {
    return Array.prototype.filter.call(panel.querySelectorAll('button, a[href], input, textarea, [tabindex]:not([tabindex="-1"])'), (n: HTMLElement) => {
      return !(n as HTMLButtonElement).disabled && !n.closest('[hidden]') && n.getClientRects().length > 0;
    }) as HTMLElement[];
  }
  function activeElement(): Element | null {
    return ((root as ShadowRoot).activeElement !== undefined ? (root as ShadowRoot).activeElement : document.activeElement) || null;
  }
  function focusFirst(): void {
    const first = contactMode === 'before' ? nameInput : !composer.hidden ? input : closeBtn;
    first.focus();
  }
  function open(): void {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    unread = 0;
    showUnread();
    focusFirst();
    scrollDown(true);
    start().then(() => {
      connect();
      void loadHistory();
      if (!panel.contains(activeElement())) focusFirst();
    }, focusFirst);
  }
  function close(): void {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  launcher.addEventListener('click', () => {
    if (panel.hidden) open();
    else close();
  });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
      return;
    }
    if (e.key !== 'Tab') return;
    const f = focusables();
    if (!f.length) return;
    const first = f[0]!;
    const last = f[f.length - 1]!;
    const active = activeElement();
    if (e.shiftKey && (active === first || !panel.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !panel.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  });
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  input.addEventListener('input', () => {
    updateHint();
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 120) + 'px';
  });

  function mount(): void {
    document.body.appendChild(host);
    start().catch(() => {
      /* shown in the panel */
    });
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
}

const current = document.currentScript as HTMLScriptElement | null;
if (current && current.src) widget(current);
