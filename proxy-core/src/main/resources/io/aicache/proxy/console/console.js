// The console's frame: signing in with the admin token, the tabs, and polling the shown tab.
// Without a token the admin API is never called; a refused token sends the user back to sign in.

import { Refusal, forgetToken, get, keepToken, token } from './api.js';
import { refreshFills } from './fills.js';
import { initImages, refreshImages } from './images.js';
import { refreshOverview } from './overview.js';

const TABS = {
  overview: { refresh: refreshOverview, everyMillis: 5000 },
  fills: { refresh: refreshFills, everyMillis: 1000 },
  images: { refresh: refreshImages, everyMillis: 15000 },
};
const TOAST_MILLIS = 6000;

let shown = null;
let poller = null;
let toastTimer = null;
let refreshes = 0;

const byId = (id) => document.getElementById(id);

function signedOut(message) {
  forgetToken();
  clearTimeout(poller);
  shown = null;
  for (const name of Object.keys(TABS)) {
    byId(name).hidden = true;
  }
  byId('tabs').hidden = true;
  byId('logout').hidden = true;
  byId('updated').textContent = '';
  byId('login').hidden = false;
  byId('login-error').hidden = !message;
  byId('login-error').textContent = message ?? '';
  byId('token-input').focus();
}

async function signIn(value) {
  keepToken(value);
  try {
    await get('/admin/stats');
  } catch (failure) {
    signedOut(failure instanceof Refusal && failure.unauthorized
      ? `aicache refused the admin token: ${failure}` : String(failure));
    return;
  }
  byId('login').hidden = true;
  byId('token-input').value = '';
  byId('tabs').hidden = false;
  byId('logout').hidden = false;
  showTab(location.hash.slice(1));
}

function showTab(name) {
  if (!token()) {
    return;
  }
  shown = TABS[name] ? name : 'overview';
  for (const tab of Object.keys(TABS)) {
    byId(tab).hidden = tab !== shown;
  }
  for (const link of document.querySelectorAll('#tabs a')) {
    link.classList.toggle('active', link.dataset.tab === shown);
  }
  clearTimeout(poller);
  poll(shown);
}

async function poll(tab) {
  try {
    await TABS[tab].refresh();
    byId('updated').textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`;
    // Which tab was last brought up to date, and how often: what a test waits for before reading the page.
    document.body.dataset.refreshed = tab;
    document.body.dataset.refreshes = String(++refreshes);
  } catch (failure) {
    showFailure(failure);
  }
  if (shown === tab && token()) {
    poller = setTimeout(() => poll(tab), TABS[tab].everyMillis);
  }
}

/** A refused token ends the session; any other failure is shown for a moment. */
function showFailure(failure) {
  if (failure instanceof Refusal && failure.unauthorized) {
    signedOut(`aicache refused the admin token: ${failure}`);
    return;
  }
  const toast = byId('toast');
  toast.textContent = String(failure);
  toast.className = 'error';
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, TOAST_MILLIS);
}

byId('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  byId('login-error').hidden = true;
  const value = byId('token-input').value.trim();
  if (value) {
    signIn(value);
  }
});
byId('logout').addEventListener('click', () => signedOut());
window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));
// The tab already shown is brought up to date at once when clicked again.
for (const link of document.querySelectorAll('#tabs a')) {
  link.addEventListener('click', () => {
    if (link.dataset.tab === shown) {
      showTab(shown);
    }
  });
}
initImages(showFailure);

if (token()) {
  signIn(token());
} else {
  signedOut();
}
