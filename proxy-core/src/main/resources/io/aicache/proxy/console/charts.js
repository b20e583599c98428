// Small SVG charts drawn by hand: a time series and a bar chart, sized by the SVG's viewBox and
// coloured by the stylesheet's classes (no inline style: the Content-Security-Policy forbids it).

const SVG = 'http://www.w3.org/2000/svg';
const LEFT = 80;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 22;

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

function size(svg) {
  const box = svg.viewBox.baseVal;
  return { width: box.width, height: box.height };
}

function noData(svg, message) {
  const { width, height } = size(svg);
  svg.append(node('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'nodata' }, message));
}

/**
 * Lines over time. series: [{cls, points: [[millis, value or null]], area}], where null leaves a gap;
 * yMax: the top of the scale (else the largest value); yFormat: how a value is labelled.
 */
export function lineChart(svg, { series, yMax, yFormat, timeFormat, empty = 'no samples yet' }) {
  svg.replaceChildren();
  const { width, height } = size(svg);
  const values = series.flatMap((line) => line.points.map(([, value]) => value)).filter((v) => v !== null);
  const times = series.flatMap((line) => line.points.map(([time]) => time));
  if (values.length === 0) {
    noData(svg, empty);
    return;
  }
  const top = yMax ?? Math.max(...values, 1);
  const from = Math.min(...times);
  const to = Math.max(...times);
  const x = (time) => LEFT + ((time - from) / Math.max(to - from, 1)) * (width - LEFT - RIGHT);
  const y = (value) => height - BOTTOM - (value / top) * (height - TOP - BOTTOM);
  for (const fraction of [0, 0.5, 1]) {
    const at = y(top * fraction);
    svg.append(node('line', { x1: LEFT, x2: width - RIGHT, y1: at, y2: at, class: 'grid' }));
    svg.append(node('text', { x: LEFT - 6, y: at + 4, 'text-anchor': 'end' }, yFormat(top * fraction)));
  }
  svg.append(node('text', { x: LEFT, y: height - 6 }, timeFormat(from)));
  svg.append(node('text', { x: width - RIGHT, y: height - 6, 'text-anchor': 'end' }, timeFormat(to)));
  for (const line of series) {
    for (const run of runs(line.points)) {
      const path = run.map(([time, value], i) => `${i ? 'L' : 'M'}${x(time).toFixed(1)},${y(value).toFixed(1)}`).join('');
      if (line.area && run.length > 1) {
        const base = y(0).toFixed(1);
        svg.append(node('path', {
          d: `${path}L${x(run[run.length - 1][0]).toFixed(1)},${base}L${x(run[0][0]).toFixed(1)},${base}Z`,
          class: `area ${line.cls}`,
        }));
      }
      if (run.length > 1) {
        svg.append(node('path', { d: path, class: `line ${line.cls}` }));
      } else {
        svg.append(node('circle', { cx: x(run[0][0]).toFixed(1), cy: y(run[0][1]).toFixed(1), r: 3, class: line.cls }));
      }
    }
  }
}

/** The stretches of points without a gap. */
function runs(points) {
  const all = [];
  let current = [];
  for (const point of points) {
    if (point[1] === null) {
      if (current.length) {
        all.push(current);
      }
      current = [];
    } else {
      current.push(point);
    }
  }
  if (current.length) {
    all.push(current);
  }
  return all;
}

/** Horizontal bars: [{label, value, cls}], labelled with valueFormat(value). */
export function barChart(svg, bars, valueFormat, empty = 'nothing answered yet') {
  svg.replaceChildren();
  const { width, height } = size(svg);
  if (bars.length === 0 || bars.every((bar) => bar.value === 0)) {
    noData(svg, empty);
    return;
  }
  const top = Math.max(...bars.map((bar) => bar.value));
  const rowHeight = Math.min(28, (height - TOP) / bars.length);
  const labelWidth = 96;
  const valueWidth = 80;
  bars.forEach((bar, i) => {
    const at = TOP + i * rowHeight;
    const length = (bar.value / top) * (width - labelWidth - valueWidth - RIGHT);
    svg.append(node('text', { x: labelWidth - 8, y: at + rowHeight * 0.62, 'text-anchor': 'end', class: 'label' }, bar.label));
    const rect = node('rect', { x: labelWidth, y: at + 3, width: Math.max(length, 1), height: rowHeight - 6, rx: 3,
      class: `bar ${bar.cls ?? ''}` });
    rect.dataset.key = bar.label;
    rect.dataset.value = String(bar.value);
    rect.append(node('title', {}, `${bar.label}: ${valueFormat(bar.value)}`));
    svg.append(rect);
    svg.append(node('text', { x: labelWidth + length + 6, y: at + rowHeight * 0.62 }, valueFormat(bar.value)));
  });
}
