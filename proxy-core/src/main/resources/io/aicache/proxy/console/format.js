// How figures are written on the page.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '–';
  }
  let amount = Math.abs(value);
  let unit = 0;
  while (amount >= 1024 && unit < UNITS.length - 1) {
    amount /= 1024;
    unit++;
  }
  const sign = value < 0 ? '-' : '';
  return `${sign}${unit === 0 ? amount : amount.toFixed(amount < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export const rate = (bytesPerSecond) => `${bytes(bytesPerSecond)}/s`;

export const count = (value) => Math.round(value).toLocaleString('en');

export const percent = (ratio) => (ratio === null || Number.isNaN(ratio) ? '–' : `${(ratio * 100).toFixed(1)} %`);

/** How long ago {@code millis} (ms since the epoch) was, in words. */
export function ago(millis) {
  if (!millis) {
    return 'never';
  }
  const seconds = Math.max(0, Math.round((Date.now() - millis) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  return `${Math.round(seconds / 86400)} d ago`;
}

export const clock = (millis) => new Date(millis).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

export const when = (millis) => (millis ? new Date(millis).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '');

/** sha256:abcdef0123456789... → sha256:abcdef012345 */
export const shortDigest = (digest) => digest.slice(0, digest.indexOf(':') + 13);

/** An element with text, classes and attributes: el('td', {class: 'num'}, '12'). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}
