/*
 * The chat panel (runs inside the widget's iframe, on our own origin).
 * Everything shown is built with DOM calls and textContent: no HTML from the
 * server or the visitor is ever parsed, so nothing anyone typed can run.
 * Talks to /chat/api with a bearer session token kept in localStorage and
 * follows the open conversation over Server-Sent Events.
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'parley.webchat.token';
  var body = document.body;
  var settings = {
    maxLength: Number(body.dataset.maxLength) || 5000,
    uploadTypes: (body.dataset.uploadTypes || '').split(',').filter(Boolean),
    uploadMaxBytes: Number(body.dataset.uploadMaxBytes) || 0,
  };
  var $ = function (id) { return document.getElementById(id); };
  var el = {
    title: $('title'), showList: $('show-list'), newConversation: $('new-conversation'), close: $('close'),
    listView: $('list-view'), list: $('conversation-list'), listEmpty: $('list-empty'), startNew: $('start-new'),
    chatView: $('chat-view'), log: $('log'), welcome: $('welcome'), typing: $('typing'), typingLabel: $('typing-label'),
    panel: $('panel'), error: $('error'), pendingFiles: $('pending-files'), composer: $('composer'), attach: $('attach'),
    attachButton: $('attach-button'), text: $('text'), send: $('send'),
  };

  var state = {
    token: null,
    conversation: null,      // the open conversation (ConversationView) or null for a new one
    newKey: randomId(),      // names a conversation that has no ticket yet
    messages: new Map(),     // id -> element
    lastId: 0,
    source: null,
    uploads: [],             // receipts waiting to go with the next message
    serverOffset: 0,         // server clock minus ours
    timers: { typing: 0, followUp: 0, reconnect: 0 },
    embedded: window.parent !== window,
    widgetOpen: true,
  };

  // ---------------------------------------------------------------- helpers

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, '');
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (attrs[key] === undefined || attrs[key] === null || attrs[key] === false) continue;
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), attrs[key]);
      else node.setAttribute(key, attrs[key] === true ? '' : attrs[key]);
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function showError(message) {
    el.error.textContent = message || '';
    el.error.hidden = !message;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + ' KB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  function formatTime(ms) {
    var date = new Date(ms);
    var today = new Date();
    var sameDay = date.toDateString() === today.toDateString();
    return sameDay
      ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : date.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  /** Inline text: **bold**, *emphasis*, `code`, [label](url) and bare links; everything else stays text. */
  function inline(text) {
    var out = [];
    var pattern = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\((https?:\/\/[^\s)]+|\/[^\s)]*)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\*([^*\s][^*]*[^*\s]|[^*\s])\*/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text))) {
      if (match.index > last) out.push(text.slice(last, match.index));
      if (match[1]) out.push(h('strong', { text: match[1] }));
      else if (match[2]) out.push(h('code', { text: match[2] }));
      else if (match[6]) out.push(h('em', { text: match[6] }));
      else {
        var href = safeUrl(match[4] || match[5]);
        var label = match[3] || match[5];
        out.push(href ? h('a', { href: href, target: '_blank', rel: 'noopener noreferrer', text: label }) : label);
      }
      last = pattern.lastIndex;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }

  /** Paragraphs, line breaks and simple lists (runs of "- " or "1. " lines) from plain text. */
  function richText(text) {
    var fragment = document.createDocumentFragment();
    var bullet = /^\s*[-*•]\s+/;
    var numbered = /^\s*\d+[.)]\s+/;
    text.replace(/\r\n/g, '\n').split(/\n{2,}/).forEach(function (block) {
      var current = null;
      var kind = null;
      block.split('\n').forEach(function (line) {
        if (line.trim() === '') return;
        var lineKind = bullet.test(line) ? 'ul' : numbered.test(line) ? 'ol' : 'p';
        if (lineKind !== kind) {
          current = h(lineKind);
          fragment.appendChild(current);
          kind = lineKind;
        } else if (kind === 'p') {
          current.appendChild(h('br'));
        }
        var content = kind === 'p' ? line : line.replace(kind === 'ul' ? bullet : numbered, '');
        var target = kind === 'p' ? current : current.appendChild(h('li'));
        inline(content).forEach(function (part) { target.appendChild(typeof part === 'string' ? document.createTextNode(part) : part); });
      });
    });
    return fragment;
  }

  // ---------------------------------------------------------------- API

  function ApiError(message, status, code) {
    this.message = message;
    this.status = status;
    this.code = code;
  }

  function api(method, path, payload, retried) {
    var headers = { Accept: 'application/json' };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    var init = { method: method, headers: headers, credentials: 'omit' };
    if (payload instanceof FormData) init.body = payload;
    else if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.ok) return data;
        if (res.status === 401 && !retried && /^session_/.test(data.code || '')) {
          // The session ran out: start a fresh one and try once more.
          return startSession(null).then(function () { return api(method, path, payload, true); });
        }
        throw new ApiError(data.error || 'Something went wrong. Please try again.', res.status, data.code);
      });
    });
  }

  function frameParams() {
    try {
      var raw = decodeURIComponent(location.hash.slice(1));
      return raw ? JSON.parse(raw) : {};
    } catch (e) {
      return {};
    }
  }

  function startSession(identity) {
    var stored = null;
    try { stored = localStorage.getItem(TOKEN_KEY); } catch (e) { /* storage may be off */ }
    var payload = { token: stored || undefined, identity: identity || undefined };
    return fetch('/chat/api/session', {
      method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload),
    }).then(function (res) {
      return res.json().then(function (data) {
        if (res.ok) return data;
        if (res.status === 401 && identity) {
          // The host's signature was refused: carry on as an anonymous visitor.
          if (window.console) console.warn('Parley: ' + data.error);
          return startSession(null);
        }
        throw new ApiError(data.error || 'The chat is not available right now.', res.status, data.code);
      });
    }).then(function (data) {
      if (!data.token) return data;
      state.token = data.token;
      try { localStorage.setItem(TOKEN_KEY, data.token); } catch (e) { /* storage may be off */ }
      return data;
    });
  }

  // ---------------------------------------------------------------- messages

  function authorLabel(view) {
    if (view.author === 'customer') return 'You';
    if (view.author === 'bot') return 'Assistant';
    if (view.author === 'agent') return view.authorName || 'Support team';
    return 'Support';
  }

  function renderAttachments(view) {
    if (!view.attachments || !view.attachments.length) return null;
    return h('ul', { class: 'files', 'aria-label': 'Attachments' }, view.attachments.map(function (file) {
      var content = file.image
        ? [h('img', { src: file.url, alt: file.filename, loading: 'lazy' })]
        : [h('span', { class: 'file-name', text: file.filename }), h('span', { class: 'file-size', text: formatSize(file.size) })];
      return h('li', null, [h('a', { href: file.url, download: file.filename, class: file.image ? 'thumb' : 'file' }, content)]);
    }));
  }

  function renderCitations(view) {
    if (!view.citations || !view.citations.length) return null;
    return h('div', { class: 'sources' }, [
      h('p', { class: 'sources-title', text: view.citations.length === 1 ? 'Source' : 'Sources' }),
      h('ul', { class: 'cards' }, view.citations.map(function (c) {
        var host = '';
        try { host = new URL(c.url).pathname.replace(/\/$/, ''); } catch (e) { host = ''; }
        return h('li', null, [h('a', { class: 'card', href: c.url, target: '_blank', rel: 'noopener noreferrer' }, [
          h('span', { class: 'card-title', text: c.title }),
          h('span', { class: 'card-link', text: host || c.url }),
        ])]);
      })),
    ]);
  }

  function renderFeedback(view) {
    // An answer the bot gave while handing over already says a person will help.
    if (view.author !== 'bot' || view.purpose !== 'answer' || view.handoff) return null;
    if (view.helpful !== null) {
      return h('p', { class: 'feedback done', text: view.helpful ? 'Glad it helped. Thanks for letting us know!' : 'Thanks. A person will take it from here.' });
    }
    var box = h('div', { class: 'feedback', role: 'group', 'aria-label': 'Did this answer help?' });
    function rate(helpful) {
      box.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      api('POST', '/chat/api/messages/' + view.id + '/feedback', { helpful: helpful }).then(function (data) {
        applyPayload(data, true);
      }, function (err) {
        box.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
        showError(err.message);
      });
    }
    box.appendChild(h('span', { text: 'Did this help?' }));
    box.appendChild(h('button', { type: 'button', class: 'chip', onclick: function () { rate(true); } }, ['Yes']));
    box.appendChild(h('button', { type: 'button', class: 'chip', onclick: function () { rate(false); } }, ['No']));
    return box;
  }

  function messageNode(view) {
    var mine = view.author === 'customer';
    var node = h('article', { class: 'msg msg-' + view.author, 'data-id': String(view.id) }, [
      h('p', { class: mine ? 'who visually-hidden' : 'who', text: authorLabel(view) }),
      view.text ? h('div', { class: 'bubble' }, [richText(view.text)]) : null,
      renderAttachments(view),
      renderCitations(view),
      renderFeedback(view),
      h('time', { datetime: new Date(view.createdAt).toISOString(), text: formatTime(view.createdAt) }),
    ]);
    return node;
  }

  /** Adds or replaces a message, keeping the log in id order. */
  function upsertMessage(view) {
    el.welcome.hidden = true;
    var node = messageNode(view);
    var existing = state.messages.get(view.id);
    if (existing) {
      existing.replaceWith(node);
    } else {
      var after = null;
      state.messages.forEach(function (other, id) { if (id > view.id && (!after || id < Number(after.dataset.id))) after = other; });
      el.log.insertBefore(node, after || firstPending());
    }
    state.messages.set(view.id, node);
    if (view.id > state.lastId) state.lastId = view.id;
    if (view.author !== 'customer') {
      setTyping(false);
      if (!state.widgetOpen || document.hidden) notifyParent({ parley: 'unread' });
    }
    scrollToEnd();
  }

  function firstPending() {
    return el.log.querySelector('.msg.pending');
  }

  /** Keeps the newest message in view, also after the panel below changes size. */
  function scrollToEnd() {
    el.log.scrollTop = el.log.scrollHeight;
    requestAnimationFrame(function () { el.log.scrollTop = el.log.scrollHeight; });
  }

  function clearLog() {
    state.messages.forEach(function (node) { node.remove(); });
    state.messages.clear();
    el.log.querySelectorAll('.msg.pending').forEach(function (node) { node.remove(); });
    state.lastId = 0;
    el.welcome.hidden = false;
  }

  function setTyping(active, who) {
    clearTimeout(state.timers.typing);
    el.typing.hidden = !active;
    el.typingLabel.textContent = who === 'agent' ? 'Support is typing' : 'Assistant is typing';
    // A typing notice that never got its "done" (a crash) fades on its own.
    if (active) state.timers.typing = setTimeout(function () { el.typing.hidden = true; }, 20000);
  }

  // ---------------------------------------------------------------- conversation state

  function applyPayload(data, keepStream) {
    if (data.serverTime) state.serverOffset = data.serverTime - Date.now();
    var switching = !state.conversation || state.conversation.id !== data.conversation.id;
    if (switching) clearLog();
    state.conversation = data.conversation;
    (data.messages || []).forEach(upsertMessage);
    renderPanel();
    if (data.stream && (!keepStream || switching || !state.source)) connect(data.stream);
  }

  function setConversation(view) {
    state.conversation = view;
    renderPanel();
  }

  function live(view) {
    return view && (view.status === 'open' || view.status === 'pending');
  }

  function renderPanel() {
    var view = state.conversation;
    var atBottom = el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 40;
    clearTimeout(state.timers.followUp);
    el.panel.replaceChildren();
    if (!view) return;
    if (live(view) && view.handler === 'bot' && state.messages.size > 0) {
      el.panel.appendChild(h('div', { class: 'panel-row' }, [
        h('button', { type: 'button', class: 'secondary', id: 'talk-to-person', onclick: handOff }, ['Talk to a person']),
      ]));
    }
    if (live(view) && view.handler === 'human') {
      el.panel.appendChild(h('p', { class: 'notice', text: 'A person from our team will reply here. You can keep writing in the meantime.' }));
      renderFollowUp(view);
    }
    if ((view.status === 'resolved' || view.status === 'closed') && (view.surveyed || view.csat)) renderCsat(view);
    if (atBottom) scrollToEnd();
  }

  function renderFollowUp(view) {
    var follow = view.followUp;
    if (follow.state === 'saved') {
      el.panel.appendChild(h('p', { class: 'notice subtle', text: 'If you are not here when we answer, we will email you at ' + follow.email + '.' }));
      return;
    }
    if (follow.state !== 'ask') return;
    var wait = follow.askAt - (Date.now() + state.serverOffset);
    if (wait > 0) {
      state.timers.followUp = setTimeout(renderPanel, Math.min(wait + 50, 2147483000));
      return;
    }
    var input = h('input', { type: 'email', id: 'follow-up-email', required: true, autocomplete: 'email', value: follow.email || '', placeholder: 'you@example.com' });
    var form = h('form', { class: 'follow-up', novalidate: true }, [
      h('p', { text: 'Nobody is available right now. Leave your email and the answer will follow you there.' }),
      h('label', { for: 'follow-up-email', class: 'visually-hidden', text: 'Email address' }),
      h('div', { class: 'panel-row' }, [input, h('button', { type: 'submit', class: 'primary' }, ['Email me'])]),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!input.checkValidity() || !input.value) {
        showError('Please enter a valid email address.');
        input.focus();
        return;
      }
      api('POST', '/chat/api/conversations/' + view.id + '/follow-up', { email: input.value }).then(function (data) {
        showError('');
        applyPayload(data, true);
      }, function (err) { showError(err.message); });
    });
    el.panel.appendChild(form);
  }

  function renderCsat(view) {
    if (view.csat) {
      el.panel.appendChild(h('p', { class: 'notice', text: 'Thanks! You rated this conversation ' + view.csat.score + ' out of 5.' }));
      return;
    }
    var chosen = 0;
    var buttons = [1, 2, 3, 4, 5].map(function (score) {
      return h('button', {
        type: 'button', class: 'score', 'aria-pressed': 'false', 'aria-label': score + ' out of 5',
        onclick: function () {
          chosen = score;
          buttons.forEach(function (b, i) { b.setAttribute('aria-pressed', String(i + 1 === score)); });
        },
      }, [String(score)]);
    });
    var comment = h('textarea', { id: 'csat-comment', rows: '2', maxlength: '2000', placeholder: 'Anything we could do better? (optional)' });
    var form = h('form', { class: 'csat', novalidate: true }, [
      h('p', { id: 'csat-question', text: 'This conversation is resolved. How did we do?' }),
      h('div', { class: 'scores', role: 'group', 'aria-labelledby': 'csat-question' }, buttons),
      h('label', { for: 'csat-comment', class: 'visually-hidden', text: 'Comment' }),
      comment,
      h('button', { type: 'submit', class: 'primary' }, ['Send rating']),
    ]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!chosen) {
        showError('Please pick a score from 1 to 5.');
        return;
      }
      api('POST', '/chat/api/conversations/' + view.id + '/csat', { score: chosen, comment: comment.value.trim() || undefined }).then(function (data) {
        showError('');
        applyPayload(data, true);
      }, function (err) { showError(err.message); });
    });
    el.panel.appendChild(form);
  }

  function handOff() {
    if (!state.conversation) return;
    api('POST', '/chat/api/conversations/' + state.conversation.id + '/handoff', {}).then(function (data) {
      showError('');
      applyPayload(data, true);
    }, function (err) { showError(err.message); });
  }

  // ---------------------------------------------------------------- live stream

  function connect(url) {
    disconnect();
    var source = new EventSource(url + '&after=' + state.lastId);
    state.source = source;
    source.addEventListener('message', function (event) { upsertMessage(JSON.parse(event.data)); });
    source.addEventListener('ticket', function (event) { setConversation(JSON.parse(event.data)); });
    source.addEventListener('typing', function (event) {
      var data = JSON.parse(event.data);
      setTyping(data.active, data.who);
    });
    source.addEventListener('error', function () {
      // EventSource reconnects by itself (sending Last-Event-ID); when it
      // gives up (the link expired), fetch the conversation for a fresh one.
      if (source.readyState !== EventSource.CLOSED || state.source !== source) return;
      clearTimeout(state.timers.reconnect);
      state.timers.reconnect = setTimeout(function () {
        if (state.conversation && state.source === source) openConversation(state.conversation.id, true);
      }, 3000);
    });
  }

  function disconnect() {
    if (state.source) state.source.close();
    state.source = null;
  }

  // ---------------------------------------------------------------- views

  function showChat() {
    el.listView.hidden = true;
    el.chatView.hidden = false;
  }

  function showList() {
    api('GET', '/chat/api/conversations').then(function (data) {
      el.list.replaceChildren();
      data.conversations.forEach(function (c) {
        el.list.appendChild(h('li', null, [h('button', { type: 'button', class: 'conversation', onclick: function () { openConversation(c.id); } }, [
          h('span', { class: 'conversation-subject', text: c.subject }),
          h('span', { class: 'status status-' + c.status, text: statusLabel(c) }),
          h('span', { class: 'conversation-preview', text: c.preview }),
          h('time', { datetime: new Date(c.updatedAt).toISOString(), text: formatTime(c.updatedAt) }),
        ])]));
      });
      el.listEmpty.hidden = data.conversations.length > 0;
      el.chatView.hidden = true;
      el.listView.hidden = false;
      var first = el.list.querySelector('button') || el.startNew;
      first.focus();
    }, function (err) { showError(err.message); });
  }

  function statusLabel(c) {
    if (c.handler === 'human' && live(c)) return 'With a person';
    return { open: 'Open', pending: 'Waiting for you', resolved: 'Resolved', closed: 'Closed' }[c.status] || c.status;
  }

  function openConversation(id, keepView) {
    return api('GET', '/chat/api/conversations/' + id).then(function (data) {
      if (!keepView) showChat();
      applyPayload(data, false);
      if (!keepView) el.text.focus();
    }, function (err) { showError(err.message); });
  }

  function newConversation() {
    disconnect();
    state.conversation = null;
    state.newKey = randomId();
    clearLog();
    renderPanel();
    setTyping(false);
    showError('');
    showChat();
    el.text.focus();
  }

  // ---------------------------------------------------------------- sending

  function pendingNode(text) {
    return h('article', { class: 'msg msg-customer pending', 'aria-busy': 'true' }, [
      h('p', { class: 'who visually-hidden', text: 'You' }),
      text ? h('div', { class: 'bubble' }, [richText(text)]) : null,
      h('time', { text: 'Sending…' }),
    ]);
  }

  function send(text) {
    var payload = { clientMessageId: randomId(), text: text, uploads: state.uploads.map(function (u) { return u.upload; }) };
    if (state.conversation) payload.conversationId = state.conversation.id;
    else payload.conversationKey = state.newKey;
    var pending = pendingNode(text);
    el.welcome.hidden = true;
    el.log.appendChild(pending);
    scrollToEnd();
    var sentUploads = state.uploads;
    state.uploads = [];
    renderUploads();

    // The same client message id on every attempt: a retry after a lost
    // answer is stored once.
    function attempt(n) {
      return api('POST', '/chat/api/messages', payload).catch(function (err) {
        var transient = !(err instanceof ApiError) || err.status >= 500;
        if (!transient || n >= 3) throw err;
        return new Promise(function (resolve) { setTimeout(resolve, 800 * (n + 1)); }).then(function () { return attempt(n + 1); });
      });
    }
    return attempt(0).then(function (data) {
      pending.remove();
      showError('');
      var changed = !state.conversation || state.conversation.id !== data.conversation.id;
      if (changed) return openConversation(data.conversation.id, true);
      setConversation(data.conversation);
      if (data.message) upsertMessage(data.message);
    }, function (err) {
      pending.remove();
      state.uploads = sentUploads.concat(state.uploads);
      renderUploads();
      if (!el.text.value) el.text.value = text;
      showError(err.message || 'Your message could not be sent. Please try again.');
    });
  }

  function renderUploads() {
    el.pendingFiles.replaceChildren();
    state.uploads.forEach(function (upload, index) {
      el.pendingFiles.appendChild(h('span', { class: 'pending-file' }, [
        h('span', { text: upload.filename + ' (' + formatSize(upload.size) + ')' }),
        h('button', {
          type: 'button', class: 'remove', 'aria-label': 'Remove ' + upload.filename,
          onclick: function () { state.uploads.splice(index, 1); renderUploads(); },
        }, ['×']),
      ]));
    });
  }

  function allowedType(type) {
    return settings.uploadTypes.some(function (allowed) {
      return allowed === type || (allowed.slice(-2) === '/*' && type.indexOf(allowed.slice(0, -1)) === 0);
    });
  }

  function upload(file) {
    if (settings.uploadMaxBytes && file.size > settings.uploadMaxBytes) {
      showError(file.name + ' is larger than ' + formatSize(settings.uploadMaxBytes) + '.');
      return;
    }
    if (!allowedType(file.type)) {
      showError('Files of this type cannot be sent here.');
      return;
    }
    var form = new FormData();
    form.append('file', file, file.name);
    el.attachButton.disabled = true;
    api('POST', '/chat/api/uploads', form).then(function (receipt) {
      state.uploads.push(receipt);
      renderUploads();
      showError('');
    }, function (err) { showError(err.message); }).then(function () { el.attachButton.disabled = false; });
  }

  function autosize() {
    el.text.style.height = 'auto';
    el.text.style.height = Math.min(el.text.scrollHeight, 140) + 'px';
  }

  // ---------------------------------------------------------------- wiring

  function notifyParent(message) {
    if (state.embedded) window.parent.postMessage(message, '*');
  }

  el.composer.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = el.text.value.trim();
    if (!text && !state.uploads.length) return;
    if (text.length > settings.maxLength) {
      showError('Messages can be at most ' + settings.maxLength + ' characters.');
      return;
    }
    el.text.value = '';
    autosize();
    send(text);
  });
  el.text.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.composer.requestSubmit();
    }
  });
  el.text.addEventListener('input', autosize);
  el.attachButton.addEventListener('click', function () { el.attach.click(); });
  el.attach.addEventListener('change', function () {
    if (el.attach.files && el.attach.files[0]) upload(el.attach.files[0]);
    el.attach.value = '';
  });
  el.showList.addEventListener('click', showList);
  el.newConversation.addEventListener('click', newConversation);
  el.startNew.addEventListener('click', newConversation);
  el.close.hidden = !state.embedded;
  el.close.addEventListener('click', function () { notifyParent({ parley: 'close' }); });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') notifyParent({ parley: 'close' });
  });
  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.data) return;
    if (event.data.parley === 'open') {
      state.widgetOpen = true;
      if (!el.chatView.hidden) el.text.focus();
    } else if (event.data.parley === 'closed') {
      state.widgetOpen = false;
    }
  });

  var params = frameParams();
  if (params.title) {
    el.title.textContent = String(params.title).slice(0, 80);
    document.title = el.title.textContent;
  }

  startSession(params.identity).then(function () {
    return api('GET', '/chat/api/conversations');
  }).then(function (data) {
    var current = data.conversations.filter(live)[0];
    if (current) return openConversation(current.id);
    newConversation();
  }).catch(function (err) {
    showError(err.message || 'The chat is not available right now.');
  }).then(function () {
    notifyParent({ parley: 'ready' });
  });
})();
