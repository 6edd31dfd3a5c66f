'use strict';
// The binding against the core's CLI on a generated export with corrupt lines and applicant
// envelopes: `scoreJsonl` must print exactly what `layer-risk score --jobs 1` prints, and
// every per-line call must agree with the CLI's record for that line.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Scorer, ParseError } = require('..');
const { cli, REPO_ROOT, splitLines } = require('./cli.js');

const AS_OF = '2026-11-22';
const GEN = ['gen', '--count', '3000', '--seed', '7', '--corrupt', '0.05', '--applicants', '0.3'];

/** The message of an error record is the error's message without its position. */
function withoutPosition(message) {
  return message.replace(/ \(line \d+, column \d+\)/, '');
}

test('byte equality with `layer-risk score --jobs 1`', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const exportPath = path.join(dir, 'export.jsonl');
  cli([...GEN, '--out', exportPath]);
  const data = fs.readFileSync(exportPath);
  // Exit 1: some lines are not responses (they get error records).
  const expected = cli(['score', '--as-of', AS_OF, '--jobs', '1', exportPath], { ok: [1] });

  const scorer = new Scorer({ asOf: AS_OF });
  const lines = splitLines(data);
  const records = splitLines(expected).map((r) => r.toString());
  const byLine = new Map(records.map((r) => [JSON.parse(r).line, r]));

  // Sanity: the export exercises what it should.
  const errors = records.filter((r) => r.includes('"error":{'));
  assert.equal(lines.length, 3000);
  assert.ok(errors.length > 100, `${errors.length} corrupt lines`);
  assert.ok(errors.some((r) => r.includes('"code":"invalid_utf8"')));
  assert.ok(errors.some((r) => r.includes('"code":"truncated"')));
  assert.ok(records.filter((r) => r.includes('"match":{')).length > 500, 'envelopes with applicants');

  await t.test('scoreJsonl(Buffer) is the CLI output, byte for byte', () => {
    const got = scorer.scoreJsonl(data);
    assert.equal(got.length, expected.length);
    assert.ok(got.equals(expected), 'scoreJsonl differs from the CLI');
  });

  await t.test('a gzip export reads as the CLI reads it', () => {
    const zlib = require('node:zlib');
    // Two gzip members, as `cat a.gz b.gz` makes.
    const half = data.indexOf(0x0a, data.length >> 1) + 1;
    const gz = Buffer.concat([zlib.gzipSync(data.subarray(0, half)), zlib.gzipSync(data.subarray(half))]);
    assert.ok(scorer.scoreJsonl(gz).equals(expected), 'scoreJsonl of gzip differs from the CLI');
    assert.throws(() => scorer.scoreJsonl(gz.subarray(0, gz.length >> 1)), /scoreJsonl/);
  });

  await t.test('with a rules file too', () => {
    const lending = path.join(REPO_ROOT, 'rules', 'lending.json');
    const cliOut = cli(['score', '--rules', lending, '--as-of', AS_OF, '--jobs', '1', exportPath], { ok: [1] });
    assert.ok(new Scorer({ rules: lending, asOf: AS_OF }).scoreJsonl(data).equals(cliOut));
  });

  await t.test('scoreLines gives each CLI record without its line number', () => {
    const got = scorer.scoreLines(lines);
    for (let i = 0; i < lines.length; i++) {
      const want = byLine.get(i + 1);
      if (want === undefined) {
        assert.equal(got[i], null, `line ${i + 1}`);
      } else {
        assert.equal(got[i], want.replace(/^\{"line":\d+,/, '{'), `line ${i + 1}`);
      }
    }
  });

  await t.test('assess() of every line equals the CLI record (or throws its error)', () => {
    let decided = 0;
    let thrown = 0;
    for (let i = 0; i < lines.length; i++) {
      const want = byLine.get(i + 1);
      if (want === undefined) continue;
      const { line, ...record } = JSON.parse(want);
      assert.equal(line, i + 1);
      if (record.error) {
        assert.throws(
          () => scorer.assess(lines[i]),
          (e) => {
            assert.ok(e instanceof ParseError, `line ${line}: ${e}`);
            assert.equal(e.code, record.error.code, `line ${line}`);
            assert.equal(e.column, record.error.column, `line ${line}`);
            assert.equal(e.path, record.error.path ?? null, `line ${line}`);
            assert.equal(withoutPosition(e.message), record.error.message, `line ${line}`);
            return true;
          },
        );
        thrown++;
      } else {
        assert.deepEqual(scorer.assess(lines[i]), record, `line ${line}`);
        decided++;
      }
    }
    assert.equal(decided + thrown, records.length);
  });

  await t.test('assess(session, applicant) equals the CLI record of the envelope', () => {
    let envelopes = 0;
    for (let i = 0; i < lines.length; i++) {
      const want = byLine.get(i + 1);
      if (want === undefined || !want.includes('"match":{')) continue;
      const { line, ...record } = JSON.parse(want);
      const { session, applicant } = JSON.parse(lines[i].toString());
      // The same decision; the id covers the bytes as given (two parts, not one line).
      const { decision_id: id, ...apart } = scorer.assess(JSON.stringify(session), applicant);
      const { decision_id: lineId, ...enveloped } = record;
      assert.deepEqual(apart, enveloped, `line ${line}`);
      assert.notEqual(id, lineId, `line ${line}`);
      envelopes++;
    }
    assert.ok(envelopes > 500);
  });
});
