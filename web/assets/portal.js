// Small behaviour on top of htmx for the portal. Loaded from our own origin
// (the CSP allows no inline script); the pages work without it.
(function () {
  'use strict';

  // A message that is already on the page (the stream resumed, or the page
  // was just reloaded) is not appended a second time.
  document.addEventListener('htmx:sseBeforeMessage', function (event) {
    var detail = event.detail || {};
    var html = typeof detail.data === 'string' ? detail.data : '';
    var match = /id="(message-\d+)"/.exec(html);
    if (match && document.getElementById(match[1])) event.preventDefault();
  });

  // No double submits while a form is on its way.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.tagName === 'FORM') {
      elt.setAttribute('aria-busy', 'true');
      elt.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = true; });
    }
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.tagName === 'FORM') {
      elt.removeAttribute('aria-busy');
      elt.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = false; });
    }
  });

  // After a whole-page swap, move focus to the new page's content so screen
  // readers and keyboards start at the top of what changed.
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail && event.detail.target;
    if (target === document.body) {
      var main = document.getElementById('main');
      if (main && !document.activeElement?.closest?.('#main')) main.focus({ preventScroll: true });
    }
  });
})();
