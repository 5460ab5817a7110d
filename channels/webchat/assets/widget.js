/*
 * Parley chat widget: the one script a site adds. It creates a launcher
 * button and, on first open, an iframe with our /chat page. Nothing of ours
 * runs in the host page beyond these two elements (styled through the DOM, so
 * no stylesheet of ours can leak into the host's and none of theirs into the
 * chat). Options come from the script tag's data-* attributes (see README).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.ParleyWidget) return;

  var base = script.src.replace(/\/widget\.js(?:[?#].*)?$/, '');
  var origin = new URL(base, location.href).origin;
  var data = script.dataset;
  var side = data.position === 'left' ? 'left' : 'right';
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || '') ? data.color : '#2454c5';
  var label = (data.label || 'Chat with us').slice(0, 60);
  var storageKey = 'parley-widget-open';
  var phone = window.matchMedia('(max-width: 520px)');
  var reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  var frame = null;
  var isOpen = false;

  function css(el, styles) {
    for (var key in styles) el.style.setProperty(key, styles[key]);
  }

  var launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.setAttribute('aria-label', label);
  launcher.setAttribute('aria-expanded', 'false');
  launcher.title = label;
  css(launcher, {
    position: 'fixed', bottom: '20px', width: '60px', height: '60px', 'border-radius': '50%', border: '0', padding: '0', margin: '0',
    background: color, color: '#fff', cursor: 'pointer', 'z-index': '2147483000', display: 'flex', 'align-items': 'center',
    'justify-content': 'center', 'box-shadow': '0 6px 20px rgba(0,0,0,.25)', outline: 'none',
  });
  launcher.style.setProperty(side, '20px');
  launcher.appendChild(icon('M4 5h16v11H8l-4 4z'));
  var badge = document.createElement('span');
  css(badge, {
    position: 'absolute', top: '4px', right: '4px', width: '14px', height: '14px', 'border-radius': '50%', background: '#d93025',
    border: '2px solid #fff', display: 'none',
  });
  launcher.appendChild(badge);
  launcher.addEventListener('focus', function () { launcher.style.setProperty('box-shadow', '0 0 0 3px #fff, 0 0 0 6px ' + color); });
  launcher.addEventListener('blur', function () { launcher.style.setProperty('box-shadow', '0 6px 20px rgba(0,0,0,.25)'); });
  launcher.addEventListener('click', function () { isOpen ? close() : open(); });

  function icon(d) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(path);
    return svg;
  }

  /** What the chat page needs from the host: its title and the (signed) visitor identity. */
  function frameParams() {
    var params = { title: (data.title || '').slice(0, 80) };
    if (data.userId || data.userEmail || data.userName) {
      params.identity = {
        userId: data.userId, email: data.userEmail, name: data.userName,
        timestamp: data.userTimestamp, signature: data.userSignature,
      };
    }
    return params;
  }

  function createFrame() {
    frame = document.createElement('iframe');
    frame.title = 'Support chat';
    // The fragment never reaches a server or a log.
    frame.src = base + '/chat#' + encodeURIComponent(JSON.stringify(frameParams()));
    css(frame, { position: 'fixed', border: '0', background: '#fff', 'z-index': '2147483001', display: 'none', 'color-scheme': 'light' });
    layout();
    document.body.appendChild(frame);
  }

  function layout() {
    if (!frame) return;
    if (phone.matches) {
      css(frame, { top: '0', left: '0', right: '0', bottom: '0', width: '100%', height: '100%', 'border-radius': '0', 'box-shadow': 'none' });
    } else {
      css(frame, {
        top: 'auto', bottom: '92px', width: '390px', height: 'min(680px, calc(100vh - 112px))', 'border-radius': '14px',
        'box-shadow': '0 12px 40px rgba(0,0,0,.28)',
      });
      frame.style.setProperty(side, '20px');
      frame.style.setProperty(side === 'right' ? 'left' : 'right', 'auto');
    }
    launcher.style.setProperty('display', isOpen && phone.matches ? 'none' : 'flex');
  }

  function open() {
    if (!frame) createFrame();
    isOpen = true;
    frame.style.setProperty('display', 'block');
    if (!reducedMotion.matches && frame.animate) {
      frame.animate([{ opacity: 0, transform: 'translateY(12px)' }, { opacity: 1, transform: 'none' }], { duration: 160, easing: 'ease-out' });
    }
    launcher.setAttribute('aria-expanded', 'true');
    badge.style.setProperty('display', 'none');
    layout();
    remember(true);
    frame.focus();
    post({ parley: 'open' });
  }

  function close() {
    if (!frame) return;
    isOpen = false;
    frame.style.setProperty('display', 'none');
    launcher.setAttribute('aria-expanded', 'false');
    layout();
    remember(false);
    post({ parley: 'closed' });
    launcher.focus();
  }

  function post(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, origin);
  }

  function remember(value) {
    try { sessionStorage.setItem(storageKey, value ? '1' : '0'); } catch (e) { /* storage may be off */ }
  }

  window.addEventListener('message', function (event) {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    var message = event.data || {};
    if (message.parley === 'close') close();
    else if (message.parley === 'ready') post({ parley: isOpen ? 'open' : 'closed' });
    else if (message.parley === 'unread' && !isOpen) badge.style.setProperty('display', 'block');
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && isOpen && document.activeElement === frame) close();
  });
  if (phone.addEventListener) phone.addEventListener('change', layout);

  function mount() {
    document.body.appendChild(launcher);
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem(storageKey) === '1'; } catch (e) { /* storage may be off */ }
    if (wasOpen || data.open === 'true') open();
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  window.ParleyWidget = { open: open, close: close, toggle: function () { isOpen ? close() : open(); } };
})();
