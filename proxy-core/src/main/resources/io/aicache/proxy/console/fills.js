// Fills under way (/admin/fills), polled every second while the tab is shown: how much of each
// blob has landed, the ranges on their way, the readers following, and the rate since the last poll.

import { get } from './api.js';
import * as format from './format.js';

/** Each fill's landed bytes at the previous poll, to tell its rate. */
let previous = new Map();

export async function refreshFills() {
  const fills = await get('/admin/fills');
  const now = Date.now();
  const seen = new Map();
  const rows = fills.map((fill) => {
    const before = previous.get(fill.digest);
    const seconds = before ? (now - before.at) / 1000 : (now - fill.startedAtMillis) / 1000;
    const rate = Math.max(fill.landed - (before ? before.landed : 0), 0) / Math.max(seconds, 0.001);
    seen.set(fill.digest, { at: now, landed: fill.landed });
    return row(fill, rate);
  });
  previous = seen;
  document.querySelector('#fills-table tbody').replaceChildren(...rows);
  document.getElementById('fills-table').hidden = fills.length === 0;
  document.getElementById('fills-empty').hidden = fills.length > 0;
  document.getElementById('fills-count').textContent = fills.length ? String(fills.length) : '';
  return fills;
}

function row(fill, rate) {
  const sized = fill.size >= 0;
  const landed = format.el('td', {},
    sized ? format.el('progress', { max: Math.max(fill.size, 1), value: fill.landed }) : format.el('progress', {}),
    sized ? `${format.bytes(fill.landed)} of ${format.bytes(fill.size)} (${format.percent(fill.landed / Math.max(fill.size, 1))})`
      : `${format.bytes(fill.landed)}, size not yet known`);
  return format.el('tr', {
    'data-digest': fill.digest, 'data-landed': fill.landed, 'data-size': fill.size,
    'data-ranges': fill.rangesInFlight, 'data-readers': fill.readers,
  },
  format.el('td', { class: 'mono', title: fill.digest }, format.shortDigest(fill.digest)),
  format.el('td', {}, `${fill.registry} / ${fill.repository}`),
  landed,
  format.el('td', { class: 'num' }, `${fill.rangesInFlight}`,
    fill.chunks ? format.el('span', { class: 'muted' }, ` (${fill.chunksDone} of ${fill.chunks} chunks done)`) : null),
  format.el('td', { class: 'num' }, String(fill.readers)),
  format.el('td', { class: 'num' }, format.rate(rate)),
  format.el('td', { title: format.when(fill.startedAtMillis) }, format.ago(fill.startedAtMillis)));
}
