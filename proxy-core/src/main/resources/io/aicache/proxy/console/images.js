// Kept images and pins (/admin/images, /admin/pins), searched on the page; pin, unpin and purge
// through the admin API; prefetch through /admin/prefetch, whose progress streams in as JSON lines.

import { admin, adminLines, get } from './api.js';
import * as format from './format.js';

const CONFIRM_MILLIS = 4000;

let images = [];
let pins = [];
let report = () => {};

/** onFailure: how an action's refusal is shown (a sign-in prompt for 401, a message otherwise). */
export function initImages(onFailure) {
  report = onFailure;
  document.getElementById('image-search').addEventListener('input', render);
  document.getElementById('prefetch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    prefetch().catch(report);
  });
}

export async function refreshImages() {
  [images, pins] = await Promise.all([get('/admin/images'), get('/admin/pins')]);
  render();
}

const pinOf = (image) => pins.find((pin) => pin.image === image);

function render() {
  const query = document.getElementById('image-search').value.trim().toLowerCase();
  const shown = images.filter((image) => !query || image.image.toLowerCase().includes(query)
    || image.digest.toLowerCase().includes(query));
  document.querySelector('#images-table tbody').replaceChildren(...shown.map(imageRow));
  document.getElementById('images-empty').hidden = shown.length > 0;
  document.getElementById('pins').replaceChildren(...(pins.length ? pins.map(pinItem)
    : [format.el('li', { class: 'muted' }, 'Nothing is pinned.')]));
}

function imageRow(image) {
  const pin = pinOf(image.image);
  const pinCell = pin
    ? format.el('td', {}, format.el('span', { class: 'badge pinned' }, pin.fromConfiguration ? 'pinned (config)' : 'pinned'))
    : format.el('td', { class: 'muted' }, '–');
  const pinButton = pin
    ? button('Unpin', 'unpin', () => unpin(image.image), pin.fromConfiguration)
    : button('Pin', 'pin', () => pinImage(image.image));
  return format.el('tr', { 'data-image': image.image, 'data-bytes': image.keptBytes, 'data-pinned': pin ? 'true' : 'false' },
    format.el('td', {}, image.image),
    format.el('td', { class: 'mono', title: image.digest }, format.shortDigest(image.digest)),
    format.el('td', { class: 'num' }, format.bytes(image.keptBytes)),
    format.el('td', { class: 'num' }, String(image.blobsKept)),
    format.el('td', { title: format.when(image.lastUsed) }, format.ago(image.lastUsed)),
    format.el('td', { title: format.when(image.validatedAt) }, format.ago(image.validatedAt)),
    pinCell,
    format.el('td', {}, pinButton, ' ', purgeButton(image.image)));
}

function pinItem(pin) {
  const kept = images.some((image) => image.image === pin.image);
  return format.el('li', { 'data-pin': pin.image },
    format.el('span', {}, pin.image),
    pin.fromConfiguration ? format.el('span', { class: 'badge' }, 'configuration') : null,
    kept ? null : format.el('span', { class: 'muted' }, 'not kept yet'),
    pin.fromConfiguration ? null : button('Unpin', 'unpin', () => unpin(pin.image)));
}

function button(text, action, run, disabled = false) {
  const element = format.el('button', { type: 'button', class: 'small', 'data-action': action, disabled }, text);
  element.addEventListener('click', () => {
    element.disabled = true;
    run().catch(report).finally(() => { element.disabled = false; });
  });
  return element;
}

/** Purging forgets the tag (garbage collection removes what nothing else references): asked twice. */
function purgeButton(image) {
  const element = format.el('button', { type: 'button', class: 'small danger', 'data-action': 'purge' }, 'Purge');
  let armed = null;
  element.addEventListener('click', () => {
    if (!armed) {
      element.textContent = 'Confirm purge';
      element.classList.add('confirm');
      armed = setTimeout(() => {
        armed = null;
        element.textContent = 'Purge';
        element.classList.remove('confirm');
      }, CONFIRM_MILLIS);
      return;
    }
    clearTimeout(armed);
    element.disabled = true;
    admin('DELETE', `/admin/images?image=${encodeURIComponent(image)}`)
      .then(() => refreshImages()).catch(report);
  });
  return element;
}

async function pinImage(image) {
  await admin('POST', '/admin/pins', { image });
  await refreshImages();
}

async function unpin(image) {
  await admin('DELETE', `/admin/pins?image=${encodeURIComponent(image)}`);
  await refreshImages();
}

const words = (text) => text.split(/[\s,]+/).filter(Boolean);

/** One prefetch request: a line per image, moved on by the events the stream sends. */
async function prefetch() {
  const form = document.getElementById('prefetch-form');
  const names = words(document.getElementById('prefetch-images').value);
  const platforms = words(document.getElementById('prefetch-platforms').value);
  if (names.length === 0) {
    return;
  }
  const jobs = new Map(names.map((name) => [name, new PrefetchJob(name)]));
  document.getElementById('prefetches').prepend(...[...jobs.values()].map((job) => job.element));
  form.querySelector('button').disabled = true;
  try {
    await adminLines('POST', '/admin/prefetch', { images: names, platforms }, (event) => {
      jobs.get(event.image)?.take(event);
    });
  } catch (failure) {
    jobs.forEach((job) => job.fail(String(failure)));
    throw failure;
  } finally {
    form.querySelector('button').disabled = false;
    await refreshImages();
  }
}

class PrefetchJob {
  constructor(name) {
    this.total = 0;
    this.blobs = 0;
    this.landed = new Map();
    this.done = 0;
    this.progress = format.el('progress', {});
    this.text = format.el('span', { class: 'muted' }, 'resolving…');
    this.state = format.el('span', { class: 'state' }, 'waiting');
    this.element = format.el('li', { 'data-image': name, 'data-state': 'running' },
      format.el('span', { class: 'name' }, name), this.progress, this.text, this.state);
  }

  take(event) {
    switch (event.event) {
      case 'resolved':
        this.total = event.bytes;
        this.blobs = event.blobs;
        this.state.textContent = 'fetching';
        break;
      case 'progress':
        this.landed.set(event.digest, event.landed);
        break;
      case 'blob':
        this.landed.set(event.digest, event.size);
        this.done++;
        break;
      case 'failed':
        this.landed.delete(event.digest);
        break;
      case 'report':
        this.finish(event.report);
        return;
      case 'error':
        this.fail(event.error);
        return;
      default:
        return;
    }
    this.show();
  }

  show() {
    const landed = [...this.landed.values()].reduce((sum, n) => sum + n, 0);
    this.progress.max = Math.max(this.total, 1);
    this.progress.value = landed;
    this.element.dataset.landed = String(landed);
    this.element.dataset.total = String(this.total);
    this.text.textContent = `${format.bytes(landed)} of ${format.bytes(this.total)}, ${this.done} of ${this.blobs} blobs`;
  }

  finish(result) {
    this.show();
    const failed = result.failures.length > 0;
    this.element.dataset.state = failed ? 'failed' : 'done';
    this.element.classList.add(failed ? 'failed' : 'done');
    this.progress.value = failed ? this.progress.value : this.progress.max;
    this.state.textContent = failed ? `${result.failures.length} blobs failed: ${result.failures[0]}`
      : `done: ${result.blobsFetched} blobs fetched (${format.bytes(result.bytesFetched)}), `
        + `${result.blobsCached} already kept (${format.bytes(result.bytesCached)})`;
  }

  fail(message) {
    if (this.element.dataset.state !== 'running') {
      return;
    }
    this.element.dataset.state = 'failed';
    this.element.classList.add('failed');
    this.state.textContent = message;
  }
}
