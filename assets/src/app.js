// Book a secure move: browser entry point.
//
// Bundled by assets/build.sh (esbuild) with GOV.UK Frontend and MOJ Frontend
// into one minified ES module, static/dist/app.js, so it imports nothing at
// run time (served file names carry content hashes, so relative imports
// between served files would break).
//
// Load it with <script type="module" src="{static.Path("app.js")}">. It needs
// the body classes set by js-enabled.js (GOV.UK Frontend only initialises when
// <body> has "govuk-frontend-supported"). htmx is loaded separately
// (htmx.min.js) and configured by the page's <meta name="htmx-config">.

import { initAll as govukInitAll } from 'govuk-frontend'
import { initAll as mojInitAll } from '@ministryofjustice/frontend'

/**
 * Report component initialisation errors, except "already initialised",
 * which is expected when a swapped element is itself a component root and
 * we initialise from its parent.
 *
 * @param {Error} error
 */
function onError (error) {
  if (error && error.name === 'InitError') {
    return
  }
  console.error(error)
}

/**
 * Initialise GOV.UK Frontend and MOJ Frontend components within scope.
 *
 * @param {Element | Document} scope
 */
function initComponents (scope) {
  govukInitAll({ scope, onError })
  mojInitAll({ scope, onError })
}

/**
 * Move focus to an error summary (GOV.UK's ErrorSummary also does this on
 * init; doing it here too covers summaries that were already initialised or
 * were not marked with data-module).
 *
 * @param {Element} scope
 */
function focusErrorSummary (scope) {
  const summary = scope.matches('.govuk-error-summary')
    ? scope
    : scope.querySelector('.govuk-error-summary')
  if (!summary) {
    return
  }
  if (!summary.hasAttribute('tabindex')) {
    summary.setAttribute('tabindex', '-1')
  }
  summary.focus()
  summary.scrollIntoView({ block: 'start' })
}

initComponents(document)

// htmx fires htmx:afterSwap on each element it swapped in (for innerHTML
// swaps, the target whose children are new). evt.detail.elt is the element
// that made the request, so the event target is the right scope. querySelectorAll
// does not match the scope element itself, so when the swapped element is
// itself a component root, initialise from its parent; InitErrors from its
// already-initialised siblings are ignored above.
document.addEventListener('htmx:afterSwap', (evt) => {
  const swapped = evt.target
  if (!(swapped instanceof Element) || !swapped.isConnected) {
    return
  }
  const scope = swapped.hasAttribute('data-module') && swapped.parentElement
    ? swapped.parentElement
    : swapped
  initComponents(scope)
  focusErrorSummary(swapped)
})

// Print buttons on lists (data-module="app-print-button"): CSS shows them
// only when JavaScript runs; they open the browser's print dialog. One
// listener on the document also serves buttons that htmx swaps in later.
document.addEventListener('click', (evt) => {
  const button = evt.target instanceof Element
    ? evt.target.closest('[data-module="app-print-button"]')
    : null
  if (button) {
    evt.preventDefault()
    window.print()
  }
})

// Say when a region is being updated, so that assistive technology (and
// test suites, which wait on it rather than on time) know: the element
// that made an htmx request and its target are aria-busy="true" while it
// is in flight, and "false" once the swap has settled or the request failed.
function setBusy (evt, busy) {
  const detail = evt.detail || {}
  for (const el of [detail.elt, detail.target]) {
    if (el instanceof Element && el.isConnected) {
      el.setAttribute('aria-busy', busy ? 'true' : 'false')
    }
  }
}
document.addEventListener('htmx:beforeRequest', (evt) => setBusy(evt, true))
document.addEventListener('htmx:afterSettle', (evt) => setBusy(evt, false))
document.addEventListener('htmx:afterRequest', (evt) => {
  // A failed or swapless request has no settle.
  if (!evt.detail || !evt.detail.successful || evt.detail.xhr.status === 204) {
    setBusy(evt, false)
  }
})
