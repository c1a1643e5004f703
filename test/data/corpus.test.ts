import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { labelVocabulary, loadCorpus, RAVDESS_EMOTIONS, scanCorpus, type CorpusItem, type LoadFailure } from '../../src/data/index.js';
import { InvalidFileError } from '../../src/io/errors.js';
import { hasSharedData, RAVDESS_FLAC, RAVDESS_ZIP_01, RAVDESS_ZIP_02, scratchFolder } from '../audio/fixtures.js';
import { buildWav, encodeFrames, testSignal } from '../audio/wav-builder.js';

// Scanning never decodes, so placeholder bytes stand in for audio here.
function touch(root: string, ...paths: string[]): void {
  for (const path of paths) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), 'placeholder');
  }
}

const summary = (items: CorpusItem[], root: string) =>
  items.map(({ source, label, labelName, actor }) => [source.slice(root.length + 1), label, labelName, actor]);

describe('scanCorpus on generated folders', () => {
  const root = scratchFolder();

  it('labels by parent folder (TESS layout), recursively, skipping non-audio and resource forks', async () => {
    const tess = join(root, 'tess');
    touch(tess, 'OAF_angry/b.wav', 'OAF_angry/a.WAV', 'YAF_happy/c.flac', 'more/OAF_neutral/d.wave', 'notes.txt', 'OAF_angry/._a.wav');
    expect(summary(await scanCorpus([tess]), root)).toEqual([
      ['tess/OAF_angry/a.WAV', 0, 'OAF_angry', -1],
      ['tess/OAF_angry/b.wav', 0, 'OAF_angry', -1],
      ['tess/YAF_happy/c.flac', 2, 'YAF_happy', -1],
      ['tess/more/OAF_neutral/d.wave', 1, 'OAF_neutral', -1],
    ]);
  });

  it('keeps RAVDESS indices when every folder label is a RAVDESS emotion, and honours a given vocabulary', async () => {
    const emotions = join(root, 'emotions');
    touch(emotions, 'calm/x.wav', 'angry/y.wav', 'boredom/z.wav');
    const subset = await scanCorpus([join(emotions, 'calm'), join(emotions, 'angry')]);
    expect(subset.map((item) => [item.labelName, item.label])).toEqual([['angry', 4], ['calm', 1]]);

    const custom = await scanCorpus([emotions], { labels: ['calm', 'angry'] });
    expect(custom.map((item) => [item.labelName, item.label])).toEqual([['angry', 1], ['boredom', -1], ['calm', 0]]);
  });

  it('reads labels and actors from a CSV with a header, paths relative to the CSV, overriding file-name labels', async () => {
    const corpus = join(root, 'csv');
    touch(corpus, 'audio/one.wav', 'audio/two.flac', 'audio/03-01-05-01-01-01-07.wav');
    writeFileSync(join(corpus, 'clips.zip'), zipSync({ 'in/zip.wav': new Uint8Array(4) }));
    writeFileSync(
      join(corpus, 'labels.csv'),
      [
        '\uFEFFpath,label,actor', // a byte-order mark, as Excel writes
        'audio/one.wav,joy,3',
        '"audio/two.flac", "sorrow, deep" ,4',
        '',
        'audio/03-01-05-01-01-01-07.wav,joy,',
        'clips.zip:in/zip.wav,sorrow,5',
      ].join('\r\n'),
    );
    expect(summary(await scanCorpus([join(corpus, 'labels.csv')]), root)).toEqual([
      ['csv/audio/03-01-05-01-01-01-07.wav', 0, 'joy', 7], // CSV label wins; actor from the RAVDESS name
      ['csv/audio/one.wav', 0, 'joy', 3],
      ['csv/audio/two.flac', 2, 'sorrow, deep', 4],
      ['csv/clips.zip:in/zip.wav', 1, 'sorrow', 5],
    ]);
  });

  it('reads a CSV without a header row', async () => {
    const corpus = join(root, 'bare');
    touch(corpus, 'a.wav', 'b.wav');
    writeFileSync(join(corpus, 'list.csv'), 'a.wav,yes\nb.wav,no\n');
    expect(summary(await scanCorpus([join(corpus, 'list.csv')]), root)).toEqual([
      ['bare/a.wav', 1, 'yes', -1],
      ['bare/b.wav', 0, 'no', -1],
    ]);
  });

  it('refuses a CSV row without a label, and inputs that are not corpora', async () => {
    const corpus = join(root, 'broken');
    touch(corpus, 'a.wav', 'notes.txt');
    writeFileSync(join(corpus, 'bad.csv'), 'path,label\na.wav\n');
    const csv = join(corpus, 'bad.csv');
    await expect(scanCorpus([csv])).rejects.toThrow(`${csv}: line 2: expected "path,label[,actor]", got "a.wav"`);
    await expect(scanCorpus([join(corpus, 'notes.txt')])).rejects.toThrow(new InvalidFileError(join(corpus, 'notes.txt'), 'not a folder, .zip, .csv or audio file'));
    await expect(scanCorpus([join(corpus, 'absent')])).rejects.toThrow(new InvalidFileError(join(corpus, 'absent'), 'cannot read file: ENOENT'));
  });

  it('accepts single audio files and lists each source once', async () => {
    const corpus = join(root, 'single');
    touch(corpus, 'happy/a.wav');
    const items = await scanCorpus([join(corpus, 'happy/a.wav'), corpus]);
    expect(summary(items, root)).toEqual([['single/happy/a.wav', 2, 'happy', -1]]);
  });
});

describe('labelVocabulary', () => {
  it('is RAVDESS order for RAVDESS emotion names, sorted names otherwise', () => {
    expect(labelVocabulary(['sad', undefined, 'calm'])).toEqual([...RAVDESS_EMOTIONS]);
    expect(labelVocabulary(['sad', 'bored', 'sad'])).toEqual(['bored', 'sad']);
  });
});

describe.skipIf(!hasSharedData)('scanCorpus on the real RAVDESS data (needs ../shared/data)', () => {
  it('finds 1,200 FLAC clips, sorted, labelled by emotion with 60 per actor', async () => {
    const items = await scanCorpus([RAVDESS_FLAC]);
    expect(items).toHaveLength(1200);
    expect(items.map((item) => item.source)).toEqual(items.map((item) => item.source).sort());
    const perLabel = RAVDESS_EMOTIONS.map((_, label) => items.filter((item) => item.label === label).length);
    expect(perLabel).toEqual([80, 160, 160, 160, 160, 160, 160, 160]);
    for (let actor = 1; actor <= 20; actor++) expect(items.filter((item) => item.actor === actor)).toHaveLength(60);
    expect(items.every((item) => item.meta?.emotion === item.label && item.meta.vocalChannel === 'speech')).toBe(true);
  });

  it('finds zip members as "archive.zip:member", in the same order whatever the input order', async () => {
    const forward = await scanCorpus([RAVDESS_ZIP_01, RAVDESS_ZIP_02]);
    expect(forward).toHaveLength(120);
    expect(forward[0].source).toBe(`${RAVDESS_ZIP_01}:Actor_01/03-01-01-01-01-01-01.wav`);
    expect(forward[0]).toMatchObject({ label: 0, labelName: 'neutral', actor: 1 });
    expect(await scanCorpus([RAVDESS_ZIP_02, RAVDESS_ZIP_01])).toEqual(forward);
  });
});

describe('file names with any Unicode, spaces and quotes, in folders, zips and CSVs', () => {
  const root = scratchFolder();
  const wav = buildWav({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: encodeFrames(testSignal(300, 1), 'pcm16') });
  const folder = join(root, 'Ünïcode "quoted" folder', "it's 情感");
  const names = ['ça va.wav', ' leading space.wav', 'emoji 😀, comma.wav', 'say "hi".wav'];
  mkdirSync(folder, { recursive: true });
  for (const name of names) writeFileSync(join(folder, name), wav);
  const archive = join(root, 'archive ü "q".zip');
  writeFileSync(archive, zipSync({ 'Ängstlich/ça va "x".wav': wav, '快乐/a b.wav': wav }));
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;

  it('scans a folder, an archive and a CSV that names them (quoted, with "" and commas), and decodes every clip', async () => {
    const csv = join(root, 'labels ü.csv');
    const relative = (name: string) => join('Ünïcode "quoted" folder', "it's 情感", name);
    writeFileSync(
      csv,
      ['path,label', ...names.map((name, i) => `${quote(relative(name))} , ${quote(`label ${i}, "é"`)}`), `${quote('archive ü "q".zip:快乐/a b.wav')},zip label`].join('\n'),
    );
    const fromCsv = await scanCorpus([csv]);
    expect(fromCsv.map((item) => [item.source, item.labelName])).toEqual(
      [
        ...names.map((name, i) => [join(folder, name), `label ${i}, "é"`]),
        [`${archive}:快乐/a b.wav`, 'zip label'],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    const scanned = await scanCorpus([root]);
    expect(scanned.map((item) => [item.source, item.labelName])).toEqual(names.map((name) => [join(folder, name), "it's 情感"]).sort());
    const zipped = await scanCorpus([archive]);
    expect(zipped.map((item) => [item.source, item.labelName])).toEqual([
      [`${archive}:Ängstlich/ça va "x".wav`, 'Ängstlich'],
      [`${archive}:快乐/a b.wav`, '快乐'],
    ]);
    const errors: LoadFailure[] = [];
    const decoded: string[] = [];
    for await (const { clip } of loadCorpus([...scanned, ...zipped], { onError: (failure) => errors.push(failure), threads: 1 })) {
      expect(clip.samples.length).toBe(300);
      decoded.push(clip.source);
    }
    expect(errors).toEqual([]);
    expect(decoded).toEqual([...scanned, ...zipped].map((item) => item.source));
  });
});
