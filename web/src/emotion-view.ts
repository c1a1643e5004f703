// Emotion probabilities drawn: bars for one prediction, and a strip of stacked columns over time.
import type { EmotionPrediction } from '../../src/infer/classifier.js';

/** One colour per label, in label order (Tableau 10). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function labelColour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** "angry 62%" and a bar per label, most likely first. */
export function probabilityBars(prediction: EmotionPrediction): HTMLElement {
  const labels = Object.keys(prediction.probabilities);
  const box = document.createElement('div');
  box.className = 'emotion';
  const title = document.createElement('p');
  title.className = 'emotion-title';
  title.textContent = `${prediction.emotion} ${(100 * prediction.probabilities[prediction.emotion]).toFixed(0)}%`;
  box.append(title);
  const sorted = labels.map((label, i) => ({ label, i, p: prediction.probabilities[label] })).sort((a, b) => b.p - a.p);
  for (const { label, i, p } of sorted) {
    const row = document.createElement('div');
    row.className = 'bar-row';
    row.innerHTML = '<span class="bar-label"></span><span class="bar"><span class="bar-fill"></span></span><span class="bar-value"></span>';
    row.querySelector('.bar-label')!.textContent = label;
    const fill = row.querySelector<HTMLElement>('.bar-fill')!;
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    fill.style.background = labelColour(i);
    row.querySelector('.bar-value')!.textContent = `${(100 * p).toFixed(1)}%`;
    box.append(row);
  }
  return box;
}

/** A legend of the labels' colours. */
export function legend(labels: readonly string[]): HTMLElement {
  const box = document.createElement('p');
  box.className = 'legend';
  labels.forEach((label, i) => {
    const item = document.createElement('span');
    item.innerHTML = '<i></i>';
    item.querySelector('i')!.style.background = labelColour(i);
    item.append(label);
    box.append(item);
  });
  return box;
}

/** Scrolls a strip left by `width` pixels and draws one column: the labels' probabilities stacked bottom up (null: silence). */
export function drawProbabilityColumn(canvas: HTMLCanvasElement, labels: readonly string[], prediction: EmotionPrediction | null, width: number): void {
  const g = canvas.getContext('2d')!;
  g.drawImage(canvas, -width, 0);
  const x = canvas.width - width;
  g.fillStyle = '#f3f3f6';
  g.fillRect(x, 0, width, canvas.height);
  if (!prediction) return;
  let y = canvas.height;
  labels.forEach((label, i) => {
    const h = prediction.probabilities[label] * canvas.height;
    g.fillStyle = labelColour(i);
    g.fillRect(x, y - h, width, h);
    y -= h;
  });
}
