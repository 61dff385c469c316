/**
 * The website chat widget as served at /widget/widget.js: one self-contained script (no bundle,
 * no dependencies) that a hotel pastes into its pages with
 * `<script src="https://<public url>/widget/widget.js" data-key="wk_..."></script>`.
 *
 * It renders into a shadow root (the hotel's CSS cannot break it, its CSS cannot leak out): a
 * launcher button and an accessible chat panel (dialog with a focus trap, Escape closes, full
 * screen on a phone), an optional name and contact form before or after the first message, live
 * replies and a typing indicator over server-sent events with reconnect and history, a
 * 2,000-character limit with a clear error, and "Was this helpful?" on AI replies. The session id
 * is random, made in the browser, kept in localStorage. Written as plain ES2017 in a string so the
 * server can serve it as is; no template literals inside.
 */
const SCRIPT = String.raw`/* Nocturn guest chat widget */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var KEY = script.getAttribute('data-key') || '';
  var BASE = script.src.replace(/\/widget\/widget\.js(?:[?#].*)?$/, '');
  var SESSION_RE = /^ws_[A-Za-z0-9_-]{32}$/;
  var STORE = 'nocturn-widget:' + KEY;
  var registry = (window.__nocturnWidgets = window.__nocturnWidgets || {});
  if (registry[KEY]) return;
  registry[KEY] = true;

  var MAX = 2000;
  var cfg = { title: 'Chat', greeting: 'Hello! How can we help?', color: '#1f4e79', askContactBefore: false, maxLength: MAX };

  function randomId(prefix, bytes) {
    var a = new Uint8Array(bytes);
    window.crypto.getRandomValues(a);
    var s = '';
    for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
    return prefix + btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function readStore(area, k) {
    try { return window[area].getItem(STORE + ':' + k); } catch (e) { return null; }
  }
  function writeStore(area, k, v) {
    try { window[area].setItem(STORE + ':' + k, v); } catch (e) { /* storage may be blocked */ }
  }
  function chars(text) { return Array.from(text).length; }
  function fmt(n) { return n.toLocaleString('en'); }
  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }

  var sessionId = readStore('localStorage', 'session');
  if (!sessionId || !SESSION_RE.test(sessionId)) {
    sessionId = randomId('ws_', 24);
    writeStore('localStorage', 'session', sessionId);
  }
  var contact = parse(readStore('sessionStorage', 'contact') || 'null');
  var contactAsked = readStore('sessionStorage', 'contact-asked') === '1';

  function api(method, path, body) {
    var url = BASE + '/widget/api/' + path + (path.indexOf('?') >= 0 ? '&' : '?') + 'key=' + encodeURIComponent(KEY);
    var init = { method: method, mode: 'cors', credentials: 'omit', headers: {} };
    if (body) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (t) {
        return { ok: res.ok, status: res.status, data: t ? parse(t) : null, retryAfter: Number(res.headers.get('Retry-After') || 0) };
      });
    });
  }

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      var v = a[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') n.textContent = v;
      else if (k === 'class') n.className = v;
      else n.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }

  /** Text with web links made clickable; everything else stays text. */
  function richText(text) {
    var frag = document.createDocumentFragment();
    var parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
    parts.forEach(function (p, i) {
      if (i % 2 === 1) frag.appendChild(el('a', { href: p, target: '_blank', rel: 'noopener noreferrer', text: p }));
      else if (p) frag.appendChild(document.createTextNode(p));
    });
    return frag;
  }

  /** Black or white text, whichever reads better on the hotel's colour. */
  function onColour(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
  }

  var CSS = [
    ':host{all:initial}',
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}',
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;min-height:48px;padding:0 18px;border:0;border-radius:24px;background:var(--nw-accent);color:var(--nw-on-accent);font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}',
    '.launcher svg{width:22px;height:22px;fill:currentColor}',
    '.badge{min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b00020;color:#fff;font-size:13px;line-height:22px;text-align:center}',
    'button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible,.log:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}',
    '.panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:370px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 104px);display:flex;flex-direction:column;background:#fff;color:#1a1a1a;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden;font-size:15px;line-height:1.4}',
    '[hidden]{display:none!important}',
    '@media (max-width:480px){.panel{top:0;right:0;bottom:0;left:0;width:100%;max-width:100%;height:100%;max-height:100%;border-radius:0}.launcher{right:12px;bottom:12px}}',
    '.header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:8px 8px 8px 16px;background:var(--nw-accent);color:var(--nw-on-accent)}',
    '.header h2{margin:0;font-size:17px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    '.close{flex:none;width:44px;height:44px;border:0;border-radius:8px;background:transparent;color:inherit;font-size:28px;line-height:1;cursor:pointer}',
    '.notice{margin:0;padding:8px 14px;font-size:14px;background:#fff4e5;color:#5c3b00;border-bottom:1px solid #f0d9b5}',
    '.log{flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:8px;background:#f4f5f7}',
    '.msg{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.msg a{color:inherit}',
    '.msg.guest{align-self:flex-end;background:var(--nw-accent);color:var(--nw-on-accent);border-bottom-right-radius:4px}',
    '.msg.assistant,.msg.staff,.msg.greeting{align-self:flex-start;background:#fff;color:#1a1a1a;border:1px solid #cfd3d9;border-bottom-left-radius:4px}',
    '.state{display:block;margin-top:4px;font-size:12px}',
    '.msg.failed{outline:2px solid #b00020}',
    '.retry{margin-left:6px;padding:2px 10px;min-height:28px;border:1px solid currentColor;border-radius:12px;background:transparent;color:inherit;font-size:12px;cursor:pointer}',
    '.feedback{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin-top:6px;font-size:13px;color:#474c54}',
    '.feedback button{display:inline-flex;align-items:center;gap:4px;min-height:32px;padding:0 10px;border:1px solid #8a9099;border-radius:16px;background:#fff;color:#1a1a1a;font-size:13px;cursor:pointer}',
    '.feedback svg{width:15px;height:15px;fill:currentColor}',
    '.feedback button[aria-pressed="true"]{background:#dce9f7;border-color:#1f4e79}',
    '.msg.draft{border-style:dashed}',
    '.typing{margin:0;padding:2px 14px 8px;background:#f4f5f7;color:#474c54;font-size:14px}',
    '.dots span{display:inline-block;width:6px;height:6px;margin-right:3px;border-radius:50%;background:#6b7280;animation:nw-blink 1.2s infinite}',
    '.dots span:nth-child(2){animation-delay:.2s}.dots span:nth-child(3){animation-delay:.4s}',
    '@keyframes nw-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}',
    '@media (prefers-reduced-motion:reduce){.dots span{animation:none}}',
    '.composer{display:flex;gap:8px;align-items:flex-end;padding:10px;border-top:1px solid #cfd3d9;background:#fff}',
    '.composer textarea{flex:1;resize:none;min-height:44px;max-height:120px;padding:10px 12px;border:1px solid #6b7280;border-radius:10px;font-size:16px;color:#1a1a1a;background:#fff}',
    '.composer textarea[aria-invalid="true"]{border-color:#b00020}',
    '.primary{min-height:44px;padding:0 16px;border:0;border-radius:10px;background:var(--nw-accent);color:var(--nw-on-accent);font-size:15px;font-weight:600;cursor:pointer}',
    '.secondary{min-height:44px;padding:0 14px;border:1px solid #6b7280;border-radius:10px;background:#fff;color:#1a1a1a;font-size:15px;cursor:pointer}',
    '.hint{margin:0;padding:0 12px 4px;font-size:12px;color:#474c54;text-align:right}',
    '.error{margin:0;padding:0 12px 8px;font-size:13px;color:#b00020}',
    '.contact{display:flex;flex-direction:column;gap:8px;padding:12px 14px;border-top:1px solid #cfd3d9;background:#fff;overflow-y:auto}',
    '.contact h3{margin:0;font-size:16px}',
    '.contact p{margin:0;font-size:14px;color:#3d4148}',
    '.fields{display:flex;flex-direction:column;gap:8px}',
    '.contact .error{padding:0;color:#b00020}',
    '.contact label{display:flex;flex-direction:column;gap:4px;font-size:14px;font-weight:600}',
    '.contact input{min-height:44px;padding:8px 10px;border:1px solid #6b7280;border-radius:8px;font-size:16px;font-weight:400;color:#1a1a1a;background:#fff}',
    '.row{display:flex;flex-wrap:wrap;gap:8px}',
    '.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}'
  ].join('\n');

  // ---- state ----
  var items = [];          // messages in display order: {key, id, clientMessageId, role, text, createdAt, state, feedback, rateable, node}
  var unavailable = false;
  var typing = false;
  var unread = 0;
  var source = null;
  var retryMs = 1000;
  var retryTimer = null;
  var ready = null;
  var draft = null;        // the reply as the model writes it: {node, body, timer}; the final message replaces it

  // ---- DOM ----
  var host = el('div', { 'data-nocturn-widget': '' });
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var style = el('style', { text: CSS });
  var icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('aria-hidden', 'true');
  icon.setAttribute('focusable', 'false');
  var iconPath = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  iconPath.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z');
  icon.appendChild(iconPath);
  var badge = el('span', { class: 'badge', hidden: true });
  var launcherText = el('span', { text: 'Chat with us' });
  var launcher = el('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'nw-panel', 'aria-haspopup': 'dialog' }, [icon, launcherText, badge]);

  var title = el('h2', { id: 'nw-title', text: cfg.title });
  var closeBtn = el('button', { class: 'close', type: 'button', 'aria-label': 'Close chat', text: '\u00d7' });
  var notice = el('p', { class: 'notice', role: 'status', hidden: true });
  var log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
  var greeting = el('div', { class: 'msg greeting', text: cfg.greeting });
  log.appendChild(greeting);
  var typingText = el('span', { text: 'Typing\u2026' });
  var typingBox = el('div', { class: 'typing', role: 'status', hidden: true }, [el('span', { class: 'dots', 'aria-hidden': 'true' }, [el('span'), el('span'), el('span')]), ' ', typingText]);

  // Contact form (before or after the first message).
  var contactTitle = el('h3', { id: 'nw-contact-title' });
  var contactIntro = el('p', { id: 'nw-contact-intro' });
  var nameInput = el('input', { id: 'nw-name', name: 'name', type: 'text', autocomplete: 'name', maxlength: '100' });
  var emailInput = el('input', { id: 'nw-email', name: 'email', type: 'email', autocomplete: 'email', maxlength: '200' });
  var phoneInput = el('input', { id: 'nw-phone', name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: '40' });
  var contactError = el('p', { class: 'error', id: 'nw-contact-error', role: 'alert' });
  var contactSubmit = el('button', { class: 'primary', type: 'submit' });
  var contactSkip = el('button', { class: 'secondary', type: 'button', text: 'No thanks' });
  var contactFieldsBox = el('div', { class: 'fields' }, [
    el('label', { for: 'nw-name' }, ['Name', nameInput]),
    el('label', { for: 'nw-email' }, ['Email', emailInput]),
    el('label', { for: 'nw-phone' }, ['Phone', phoneInput]),
    contactError
  ]);
  var contactForm = el('form', { class: 'contact', 'aria-labelledby': 'nw-contact-title', 'aria-describedby': 'nw-contact-intro', novalidate: true, hidden: true }, [
    contactTitle,
    contactIntro,
    contactFieldsBox,
    el('div', { class: 'row' }, [contactSubmit, contactSkip])
  ]);

  var input = el('textarea', { id: 'nw-input', name: 'message', rows: '1', placeholder: 'Type your message', 'aria-describedby': 'nw-hint nw-error' });
  var sendBtn = el('button', { class: 'primary', type: 'submit', text: 'Send' });
  var composer = el('form', { class: 'composer', 'aria-label': 'Send a message' }, [el('label', { class: 'sr-only', for: 'nw-input', text: 'Your message' }), input, sendBtn]);
  var hint = el('p', { class: 'hint', id: 'nw-hint', 'aria-live': 'polite' });
  var error = el('p', { class: 'error', id: 'nw-error', role: 'alert' });

  var panel = el('div', { class: 'panel', id: 'nw-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'nw-title', hidden: true }, [
    el('div', { class: 'header' }, [title, closeBtn]),
    notice,
    log,
    typingBox,
    contactForm,
    composer,
    hint,
    error
  ]);
  root.appendChild(style);
  root.appendChild(launcher);
  root.appendChild(panel);

  function applyColour() {
    host.style.setProperty('--nw-accent', cfg.color);
    host.style.setProperty('--nw-on-accent', onColour(cfg.color));
  }
  applyColour();

  // ---- rendering ----
  function setNotice(text) {
    notice.textContent = text || '';
    notice.hidden = !text;
  }
  function setError(text) { error.textContent = text || ''; }
  function setTyping(on) {
    typing = !!on;
    typingBox.hidden = !typing;
    if (typing) scrollDown(true);
  }
  function scrollDown(force) {
    var near = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    if (force || near) log.scrollTop = log.scrollHeight;
  }
  function speaker(item) {
    return item.role === 'guest' ? 'You' : item.role === 'staff' ? cfg.title + ' team' : cfg.title;
  }

  var THUMB = 'M2 10h4v11H2zM22 11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.4-1L13.2 2 7.6 7.6A2 2 0 0 0 7 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7a2 2 0 0 0 .2-.8z';
  function thumb(down) {
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    if (down) svg.setAttribute('transform', 'rotate(180)');
    var p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', THUMB);
    svg.appendChild(p);
    return svg;
  }

  function renderItem(item) {
    if (!item.node) {
      item.node = el('div', { class: 'msg ' + item.role });
      item.node.appendChild(el('span', { class: 'sr-only', text: speaker(item) + ': ' }));
      item.body = el('span');
      item.body.appendChild(richText(item.text));
      item.node.appendChild(item.body);
      item.status = el('span', { class: 'state' });
      item.node.appendChild(item.status);
    }
    var n = item.node;
    n.className = 'msg ' + item.role + (item.state === 'failed' ? ' failed' : '');
    item.status.textContent = '';
    item.status.hidden = true;
    if (item.role === 'guest' && (item.state === 'sending' || item.state === 'failed')) {
      item.status.hidden = false;
      item.status.appendChild(document.createTextNode(item.state === 'sending' ? 'Sending\u2026' : 'Not sent.'));
      if (item.state === 'failed') {
        var retry = el('button', { class: 'retry', type: 'button', text: 'Retry' });
        retry.addEventListener('click', function () { post(item); });
        item.status.appendChild(retry);
      }
    }
    if (item.rateable && item.id && !item.fb) {
      item.fbLabel = el('span', { id: 'nw-fb-' + item.id, text: 'Was this helpful?' });
      item.up = el('button', { type: 'button', 'aria-label': 'Yes, helpful', 'aria-pressed': 'false' }, [thumb(false), 'Yes']);
      item.down = el('button', { type: 'button', 'aria-label': 'No, not helpful', 'aria-pressed': 'false' }, [thumb(true), 'No']);
      item.thanks = el('span', { 'aria-live': 'polite' });
      item.up.addEventListener('click', function () { rate(item, true); });
      item.down.addEventListener('click', function () { rate(item, false); });
      item.fb = el('div', { class: 'feedback', role: 'group', 'aria-labelledby': 'nw-fb-' + item.id }, [item.fbLabel, item.up, item.down, item.thanks]);
      n.appendChild(item.fb);
    }
    if (item.fb) {
      item.up.setAttribute('aria-pressed', item.feedback === 'up' ? 'true' : 'false');
      item.down.setAttribute('aria-pressed', item.feedback === 'down' ? 'true' : 'false');
      item.thanks.textContent = item.feedback ? 'Thanks for your feedback.' : '';
    }
    return n;
  }

  /** Shows the reply written so far in a bubble at the end of the log (hidden from screen readers: the final one is read). */
  function showDraft(text) {
    if (!draft) {
      var body = el('span');
      draft = { body: body, timer: null, node: el('div', { class: 'msg assistant draft', 'aria-hidden': 'true', 'data-draft': '' }, [body]) };
    }
    clearTimeout(draft.timer);
    draft.timer = null;
    // Plain text: links become clickable in the final message (nothing focusable inside aria-hidden).
    draft.body.textContent = text;
    log.appendChild(draft.node);
    scrollDown(false);
  }
  function dropDraft() {
    if (!draft) return;
    clearTimeout(draft.timer);
    if (draft.node.parentNode) draft.node.parentNode.removeChild(draft.node);
    draft = null;
  }
  /** Work ended: the final message is on its way; a silent hand-off sends none, so the draft goes after a while. */
  function expireDraft() {
    if (draft && !draft.timer) draft.timer = setTimeout(dropDraft, 5000);
  }

  function render() {
    var before = log.childNodes[1] || null;
    items.forEach(function (item) {
      var n = renderItem(item);
      if (n !== before) log.insertBefore(n, before);
      before = n.nextSibling;
    });
    scrollDown(false);
  }

  function indexOf(m) {
    for (var i = 0; i < items.length; i++) {
      if ((m.id && items[i].id === m.id) || (m.clientMessageId && items[i].clientMessageId === m.clientMessageId)) return i;
    }
    return -1;
  }
  function fromServer(m) {
    return { key: m.id, id: m.id, clientMessageId: m.clientMessageId, role: m.role, text: m.text, createdAt: m.createdAt, state: 'stored', feedback: m.feedback, rateable: m.rateable };
  }
  function merge(target, m) {
    target.id = m.id;
    target.state = 'stored';
    target.createdAt = m.createdAt;
    if (m.feedback !== undefined && m.feedback !== null) target.feedback = m.feedback;
    target.rateable = m.rateable;
  }
  /** A live reply: the newest message there is. */
  function addLive(m) {
    var i = indexOf(m);
    if (i >= 0) merge(items[i], m);
    else {
      items.push(fromServer(m));
      if (panel.hidden && m.role !== 'guest') { unread++; showUnread(); }
    }
    render();
    scrollDown(true);
  }
  /** The stored conversation: fills in what this page missed, in the server's order, keeping unsent messages. */
  function applyHistory(list) {
    var anchor = -1;
    list.forEach(function (m) {
      var i = indexOf(m);
      if (i >= 0) {
        merge(items[i], m);
        anchor = i;
      } else {
        items.splice(anchor + 1, 0, fromServer(m));
        anchor = anchor + 1;
      }
    });
    render();
    scrollDown(true);
  }
  function showUnread() {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    launcherText.textContent = unread ? 'Chat with us (' + unread + ' new)' : 'Chat with us';
  }

  // ---- server ----
  function loadConfig() {
    return api('GET', 'config').then(function (r) {
      if (!r.ok || !r.data) throw new Error('unavailable');
      cfg = r.data;
      MAX = cfg.maxLength || MAX;
      title.textContent = cfg.title;
      greeting.textContent = cfg.greeting;
      typingText.textContent = cfg.title + ' is typing\u2026';
      applyColour();
    });
  }
  function loadHistory() {
    return api('GET', 'messages?session=' + encodeURIComponent(sessionId)).then(function (r) {
      if (!r.ok || !r.data) return;
      applyHistory(r.data.messages || []);
      setTyping(r.data.typing);
      if (!r.data.typing) dropDraft();
      updateForms();
    }, function () { /* the stream reconnects and tries again */ });
  }
  function connect() {
    if (source || unavailable || typeof EventSource === 'undefined') return;
    clearTimeout(retryTimer);
    source = new EventSource(BASE + '/widget/api/stream?key=' + encodeURIComponent(KEY) + '&session=' + encodeURIComponent(sessionId));
    source.addEventListener('ready', function (e) {
      retryMs = 1000;
      setNotice('');
      var d = parse(e.data);
      setTyping(d && d.typing);
      loadHistory();
    });
    source.addEventListener('message', function (e) {
      var m = parse(e.data);
      if (!m) return;
      setTyping(false);
      if (m.role !== 'guest') dropDraft();
      addLive(m);
    });
    source.addEventListener('reply.delta', function (e) {
      var d = parse(e.data);
      if (d && typeof d.text === 'string' && d.text) showDraft(d.text);
    });
    source.addEventListener('typing', function (e) {
      var d = parse(e.data);
      setTyping(d && d.active);
      if (!(d && d.active)) expireDraft();
    });
    source.onerror = function () {
      setNotice('Connection lost \u2014 reconnecting\u2026');
      if (source && source.readyState === 2) {
        source.close();
        source = null;
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 30000);
      }
    };
  }
  function markUnavailable() {
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
  function start() {
    if (!ready) {
      ready = loadConfig().then(function () {
        host.setAttribute('data-state', 'ready');
        updateForms();
        if (readStore('sessionStorage', 'active') === '1') connect();
      }, function (err) {
        markUnavailable();
        throw err;
      });
      ready.catch(function () { /* shown in the panel */ });
    }
    return ready;
  }

  function contactFields() {
    var c = {};
    if (contact && contact.name) c.name = contact.name;
    if (contact && contact.email) c.email = contact.email;
    if (contact && contact.phone) c.phone = contact.phone;
    return c;
  }
  function post(item) {
    item.state = 'sending';
    render();
    var body = { key: KEY, sessionId: sessionId, clientMessageId: item.clientMessageId, text: item.text };
    var c = contactFields();
    Object.keys(c).forEach(function (k) { body[k] = c[k]; });
    api('POST', 'messages', body).then(function (r) {
      if (r.ok) {
        item.state = 'sent';
        writeStore('sessionStorage', 'active', '1');
        connect();
        setError('');
        if (!contact && !cfg.askContactBefore && !contactAsked) showContactForm('after');
      } else {
        item.state = 'failed';
        if (r.status === 429) setError('You are sending messages too quickly. Please wait ' + (r.retryAfter || 10) + ' seconds, then press Retry.');
        else if (r.status === 400 && r.data && r.data.detail) setError(r.data.detail);
        else setError('Your message could not be sent. Please try again.');
      }
      render();
    }, function () {
      item.state = 'failed';
      setError('Your message could not be sent. Check your connection and press Retry.');
      render();
    });
  }

  function send() {
    var text = input.value.trim();
    if (!text) return;
    var n = chars(text);
    if (n > MAX) {
      input.setAttribute('aria-invalid', 'true');
      setError('Your message is too long: ' + fmt(n) + ' characters. The limit is ' + fmt(MAX) + ' characters \u2014 please shorten it.');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    setError('');
    var item = { key: 'local', id: null, clientMessageId: randomId('cm_', 12), role: 'guest', text: text, createdAt: new Date().toISOString(), state: 'sending', feedback: null, rateable: false };
    items.push(item);
    input.value = '';
    updateHint();
    render();
    scrollDown(true);
    post(item);
  }

  function rate(item, helpful) {
    var previous = item.feedback;
    item.feedback = helpful ? 'up' : 'down';
    renderItem(item);
    api('POST', 'feedback', { key: KEY, sessionId: sessionId, messageId: item.id, helpful: helpful }).then(function (r) {
      if (!r.ok) { item.feedback = previous; renderItem(item); }
    }, function () { item.feedback = previous; renderItem(item); });
  }

  function updateHint() {
    var n = chars(input.value.trim());
    var over = n > MAX;
    hint.textContent = n > MAX - 300 ? fmt(n) + ' of ' + fmt(MAX) + ' characters' : '';
    if (over) input.setAttribute('aria-invalid', 'true');
    else if (input.getAttribute('aria-invalid')) { input.removeAttribute('aria-invalid'); setError(''); }
  }

  // ---- contact form ----
  var contactMode = null;
  function showContactForm(mode) {
    contactMode = mode;
    contactError.textContent = '';
    if (mode === 'before') {
      contactTitle.textContent = 'Before we start';
      contactIntro.textContent = 'Leave your name and an email address or phone number, so we can reply even if you leave this page.';
      contactSubmit.textContent = 'Start chat';
      contactSkip.hidden = true;
      contactFieldsBox.hidden = false;
      composer.hidden = true;
    } else {
      contactTitle.textContent = 'Stay in touch?';
      contactIntro.textContent = 'Leave an email or phone number and we can reply even if you close this page.';
      contactSubmit.textContent = 'Leave details';
      contactSkip.hidden = false;
      contactFieldsBox.hidden = true;
      contactAsked = true;
      writeStore('sessionStorage', 'contact-asked', '1');
    }
    contactForm.hidden = false;
    if (!panel.hidden && mode === 'before') nameInput.focus();
  }
  function hideContactForm() {
    contactForm.hidden = true;
    composer.hidden = unavailable;
    contactMode = null;
  }
  function updateForms() {
    if (unavailable) return;
    var hasMessages = items.length > 0;
    if (cfg.askContactBefore && !contact && !hasMessages) showContactForm('before');
    else if (contactMode === 'before') hideContactForm();
  }
  contactForm.addEventListener('submit', function (e) {
    e.preventDefault();
    if (contactFieldsBox.hidden) {
      contactFieldsBox.hidden = false;
      contactSubmit.textContent = 'Save details';
      nameInput.focus();
      return;
    }
    var c = { name: nameInput.value.trim(), email: emailInput.value.trim(), phone: phoneInput.value.trim() };
    if (!c.email && !c.phone) {
      contactError.textContent = 'Please give an email address or a phone number.';
      emailInput.setAttribute('aria-invalid', 'true');
      emailInput.focus();
      return;
    }
    if (c.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.email)) {
      contactError.textContent = 'That email address does not look right.';
      emailInput.setAttribute('aria-invalid', 'true');
      emailInput.focus();
      return;
    }
    emailInput.removeAttribute('aria-invalid');
    contact = c;
    writeStore('sessionStorage', 'contact', JSON.stringify(c));
    var mode = contactMode;
    hideContactForm();
    if (mode === 'after') {
      var body = { key: KEY, sessionId: sessionId, clientRequestId: randomId('cr_', 12) };
      var f = contactFields();
      Object.keys(f).forEach(function (k) { body[k] = f[k]; });
      api('POST', 'contact', body).then(function (r) {
        hint.textContent = r.ok ? 'Thank you \u2014 we will be in touch.' : '';
      }, function () { /* sent again with the next message */ });
    }
    input.focus();
  });
  contactSkip.addEventListener('click', function () {
    hideContactForm();
    input.focus();
  });

  // ---- panel ----
  function focusables() {
    return Array.prototype.filter.call(panel.querySelectorAll('button, a[href], input, textarea, [tabindex]:not([tabindex="-1"])'), function (n) {
      return !n.disabled && !n.closest('[hidden]') && n.getClientRects().length > 0;
    });
  }
  function activeElement() {
    return (root.activeElement !== undefined ? root.activeElement : document.activeElement) || null;
  }
  function focusFirst() {
    var first = contactMode === 'before' ? nameInput : !composer.hidden ? input : closeBtn;
    first.focus();
  }
  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    unread = 0;
    showUnread();
    focusFirst();
    scrollDown(true);
    start().then(function () {
      connect();
      loadHistory();
      if (!panel.contains(activeElement())) focusFirst();
    }, focusFirst);
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  launcher.addEventListener('click', function () {
    if (panel.hidden) open();
    else close();
  });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
      return;
    }
    if (e.key !== 'Tab') return;
    var f = focusables();
    if (!f.length) return;
    var first = f[0];
    var last = f[f.length - 1];
    var active = activeElement();
    if (e.shiftKey && (active === first || !panel.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !panel.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  });
  composer.addEventListener('submit', function (e) {
    e.preventDefault();
    send();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  input.addEventListener('input', function () {
    updateHint();
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 120) + 'px';
  });

  function mount() {
    document.body.appendChild(host);
    start().catch(function () { /* shown in the panel */ });
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
`;

export function widgetScript(): string {
  return SCRIPT;
}
