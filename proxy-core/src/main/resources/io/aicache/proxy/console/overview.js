// The overview: aicache's figures since start (from /admin/stats, as `aicache stats` prints them),
// the last hour as charts (from /admin/history), and each registry's health (/admin/upstreams).

import { get } from './api.js';
import { barChart, lineChart } from './charts.js';
import * as format from './format.js';

const TIER_ORDER = ['memory', 'disk', 'fill', 'stale', 'upstream', 'pass-through'];

/** Sums a tagged meter of /admin/stats ({"route=blob,tier=disk": n}) by one tag. */
export function sumBy(meter, tag) {
  const sums = {};
  for (const [key, value] of Object.entries(meter ?? {})) {
    for (const pair of key.split(',')) {
      if (pair.startsWith(`${tag}=`)) {
        const name = pair.slice(tag.length + 1);
        sums[name] = (sums[name] ?? 0) + value;
      }
    }
  }
  return sums;
}

/** A meter's value, or the sum of its values by tags. */
export function total(meter) {
  if (typeof meter === 'number') {
    return meter;
  }
  return Object.values(meter ?? {}).reduce((sum, value) => sum + value, 0);
}

function show(name, value, text) {
  for (const element of document.querySelectorAll(`[data-figure="${name}"]`)) {
    element.textContent = text;
    element.dataset.value = value === null ? '' : String(value);
  }
}

export async function refreshOverview() {
  const [stats, history, upstreams] = await Promise.all([get('/admin/stats'), get('/admin/history'), get('/admin/upstreams')]);
  showFigures(stats, new Set(history.localTiers));
  showHistory(history);
  showUpstreams(upstreams);
  return stats;
}

function showFigures(stats, localTiers) {
  const byTier = sumBy(stats.aicache_cache_answers, 'tier');
  const answers = total(byTier);
  const local = Object.entries(byTier).filter(([tier]) => localTiers.has(tier)).reduce((sum, [, n]) => sum + n, 0);
  const ratio = answers > 0 ? local / answers : null;
  show('hitRatio', ratio, format.percent(ratio));
  show('answers', answers, `${format.count(local)} of ${format.count(answers)} answers without an upstream transfer`);
  const served = total(stats.aicache_served_bytes);
  const fetched = total(stats.aicache_upstream_bytes);
  show('servedBytes', served, format.bytes(served));
  show('fetchedBytes', fetched, format.bytes(fetched));
  show('savedBytes', Math.max(served - fetched, 0), format.bytes(Math.max(served - fetched, 0)));
  const used = stats.aicache_storage_used_bytes ?? 0;
  const budget = stats.aicache_storage_budget_bytes ?? 0;
  show('usedBytes', used, format.bytes(used));
  show('budgetBytes', budget, budget > 0 ? `${format.percent(used / budget)} of ${format.bytes(budget)}` : 'no budget set');
  const meter = document.getElementById('disk-meter');
  meter.hidden = budget <= 0;
  meter.max = Math.max(budget, 1);
  meter.high = budget * 0.9;
  meter.value = used;
  show('fillsActive', stats.aicache_fills_active ?? 0, format.count(stats.aicache_fills_active ?? 0));
  const tiers = Object.keys(byTier).sort((a, b) => order(a) - order(b));
  barChart(document.getElementById('chart-tiers'),
    tiers.map((tier) => ({ label: tier, value: byTier[tier], cls: localTiers.has(tier) ? 'local' : 'remote' })),
    format.count);
}

const order = (tier) => (TIER_ORDER.includes(tier) ? TIER_ORDER.indexOf(tier) : TIER_ORDER.length);

/** Each interval between two samples: its hit ratio, and the bytes served and fetched per second. */
function showHistory({ samples, localTiers }) {
  const local = new Set(localTiers);
  const hits = [];
  const served = [];
  const fetched = [];
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1];
    const now = samples[i];
    const seconds = Math.max((now.at - before.at) / 1000, 0.001);
    let answers = 0;
    let localAnswers = 0;
    for (const [tier, n] of Object.entries(now.answersByTier)) {
      const delta = n - (before.answersByTier[tier] ?? 0);
      answers += delta;
      localAnswers += local.has(tier) ? delta : 0;
    }
    hits.push([now.at, answers > 0 ? localAnswers / answers : null]);
    served.push([now.at, (now.servedBytes - before.servedBytes) / seconds]);
    fetched.push([now.at, (now.fetchedBytes - before.fetchedBytes) / seconds]);
  }
  lineChart(document.getElementById('chart-hits'), {
    series: [{ cls: 's-hit', points: hits, area: true }], yMax: 1, yFormat: (v) => `${Math.round(v * 100)} %`,
    timeFormat: format.clock, empty: 'no answers yet',
  });
  lineChart(document.getElementById('chart-bytes'), {
    series: [{ cls: 's-served', points: served, area: true }, { cls: 's-fetched', points: fetched, area: true }],
    yFormat: format.rate, timeFormat: format.clock,
  });
  const budget = Math.max(...samples.map((sample) => sample.budgetBytes));
  lineChart(document.getElementById('chart-disk'), {
    series: [
      { cls: 's-used', points: samples.map((sample) => [sample.at, sample.usedBytes]), area: true },
      ...(budget > 0 ? [{ cls: 's-budget', points: samples.map((sample) => [sample.at, sample.budgetBytes]) }] : []),
    ],
    yMax: budget > 0 ? budget : undefined, yFormat: format.bytes, timeFormat: format.clock,
  });
}

function showUpstreams(upstreams) {
  const rows = upstreams.map((upstream) => {
    const budget = upstream.limit === null
      ? format.el('span', { class: 'muted' }, 'none announced')
      : format.el('span', {},
        format.el('meter', { min: 0, max: Math.max(upstream.limit, 1), value: upstream.remaining, low: upstream.limit * 0.1 }),
        `${format.count(upstream.remaining)} of ${format.count(upstream.limit)} left`,
        upstream.source ? format.el('span', { class: 'muted' }, ` (${upstream.source})`) : null);
    return format.el('tr', { 'data-registry': upstream.registry },
      format.el('td', {}, upstream.registry),
      format.el('td', { class: 'mono' }, upstream.endpoints.join(', ')),
      format.el('td', {}, format.el('span', { class: `badge ${upstream.state}` }, upstream.state)),
      format.el('td', {}, upstream.credentials),
      format.el('td', {}, budget, upstream.spared ? format.el('span', { class: 'badge spared' }, ' spared') : null),
      format.el('td', { class: 'num' }, format.count(upstream.tooManyRequests)));
  });
  document.querySelector('#upstreams tbody').replaceChildren(...rows);
}
