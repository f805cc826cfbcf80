// Untrusted safetensors files: every crafted header is refused with one SafetensorsError naming the tensor and
// what is wrong, BEFORE any tensor is decoded, and a file can never make the reader allocate more than its own
// bytes hold. The worst case (20,000 tensors aliasing one 1 MB span: 20 GB of copies on the old reader) is also
// run through the real CLI in its own process, timing it and reading its peak RSS.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeSafetensors, encodeSafetensors, MAX_HEADER, MAX_TENSORS, SafetensorsError } from '../../src/engine/safetensors';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

/** A safetensors file from a raw header object (any JSON, however wrong) and a data block of `dataBytes`. */
function craft(header: unknown, dataBytes: number): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(json.length));
  return new Uint8Array(Buffer.concat([head, json, Buffer.alloc(dataBytes)]));
}

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes, 'crafted.safetensors'), (e: Error) => {
    assert.ok(e instanceof SafetensorsError, `expected a SafetensorsError, got ${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    assert.match(e.message, /^crafted\.safetensors/);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

const f32 = (shape: number[], begin: number, end: number): object => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('safetensors: untrusted files', () => {
  it('refuses overlapping spans, naming both tensors', () => {
    refuses(craft({ a: f32([4], 0, 16), b: f32([4], 8, 24) }, 24), /tensors a and b overlap/);
    // Full aliasing: the same span twice.
    refuses(craft({ a: f32([4], 0, 16), b: f32([4], 0, 16) }, 16), /tensors [ab] and [ab] overlap/);
  });

  it('refuses shapes whose product overflows or exceeds the data block, without computing it in full', () => {
    const huge = 2 ** 40;
    refuses(craft({ w: f32([huge, huge, huge], 0, 16) }, 16), /tensor w of shape \[1099511627776, .*needs more than the 16 bytes/);
    // The product wraps past 2^53 to a value that could compare equal to the span if computed naively.
    refuses(craft({ w: f32([2 ** 30, 2 ** 30, 2 ** 30, 0.5], 0, 16) }, 16), /tensor w has a bad shape/);
    refuses(craft({ w: f32([-1, 4], 0, 16) }, 16), /tensor w has a bad shape \[-1,4\]/);
    refuses(craft({ w: f32([1.5], 0, 16) }, 16), /tensor w has a bad shape/);
    refuses(craft({ w: f32([1, 1, 1, 1, 1, 1, 1, 1, 1], 0, 4) }, 4), /bad shape .*at most 8/);
    refuses(craft({ w: { dtype: 'F32', shape: '4', data_offsets: [0, 16] } }, 16), /tensor w has a bad shape "4"/);
  });

  it('refuses negative, fractional, reversed and out-of-range offsets', () => {
    refuses(craft({ w: f32([1], -4, 0) }, 4), /tensor w has bad data_offsets \[-4,0\]/);
    refuses(craft({ w: f32([1], 0.5, 4.5) }, 8), /tensor w has bad data_offsets \[0\.5,4\.5\]/);
    refuses(craft({ w: f32([0], 8, 4) }, 8), /bad data_offsets \[8,4\]/);
    refuses(craft({ w: f32([1], 0, 2 ** 60) }, 8), /bad data_offsets/); // not a safe integer
    refuses(craft({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /bad data_offsets \[0\]/);
    refuses(craft({ w: f32([2], 0, 8) }, 4), /is truncated: tensor w ends at byte 8 of a 4-byte data block/);
  });

  it('checks sizes per dtype: F16 and BF16 are 2 bytes a value, F64 8; unknown dtypes are named', () => {
    refuses(craft({ h: { dtype: 'F16', shape: [4], data_offsets: [0, 16] } }, 16), /tensor h of shape \[4\] needs 8 bytes, its offsets span 16/);
    refuses(craft({ b: { dtype: 'BF16', shape: [3], data_offsets: [0, 12] } }, 12), /tensor b of shape \[3\] needs 6 bytes, its offsets span 12/);
    refuses(craft({ d: { dtype: 'F64', shape: [1], data_offsets: [0, 16] } }, 16), /tensor d of shape \[1\] needs 8 bytes, its offsets span 16/);
    refuses(craft({ d: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, 8), /tensor d of shape \[2\] needs more than the 8 bytes/);
    refuses(craft({ i: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8), /tensor i has dtype I64; SeqLab reads F32, F64, F16 and BF16/);
    refuses(craft({ p: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, 4), /tensor p has dtype toString/);
    refuses(craft({ n: null }, 0), /tensor n is not an object/);
    // The same sizes, right, decode (2 + 2·2 + 8 = 14 bytes, in any header order).
    const ok = decodeSafetensors(craft({
      d: { dtype: 'F64', shape: [1], data_offsets: [6, 14] }, h: { dtype: 'F16', shape: [2], data_offsets: [2, 6] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [0, 2] },
    }, 14));
    assert.deepEqual([...ok.tensors.keys()].sort(), ['b', 'd', 'h']);
    assert.deepEqual(ok.tensors.get('h')!.shape, [2]);
  });

  it('a dtype that is not a string is named, not converted (a {"toString": 1} made String() throw a bare TypeError)', () => {
    refuses(craft({ o: { dtype: { toString: 1 }, shape: [1], data_offsets: [0, 4] } }, 4), /tensor o has dtype \{"toString":1\}; SeqLab reads F32/);
    refuses(craft({ a: { dtype: ['F32'], shape: [1], data_offsets: [0, 4] } }, 4), /tensor a has dtype \["F32"\]; SeqLab reads F32/);
    refuses(craft({ n: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor n has dtype undefined; SeqLab reads F32/);
  });

  it('refuses a header naming a tensor (or __metadata__) twice, however the second spelling is escaped', () => {
    const raw = (json: string, dataBytes: number): Uint8Array => {
      const head = Buffer.alloc(8);
      head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
      return new Uint8Array(Buffer.concat([head, Buffer.from(json), Buffer.alloc(dataBytes)]));
    };
    const t = (begin: number, end: number): string => `{"dtype":"F32","shape":[1],"data_offsets":[${begin},${end}]}`;
    // Both spans valid on their own; JSON.parse kept the second silently (before: a "gap" before tensor a, or,
    // with equal spans, a file that loaded whichever entry came last).
    refuses(raw(`{"a":${t(0, 4)},"b":${t(4, 8)},"a":${t(4, 8)}}`, 8), /the header names tensor a twice/);
    refuses(raw(`{"a":${t(0, 4)}, "\u0061" :${t(0, 4)}}`.replace('\u0061"', '\\u0061"'), 4), /the header names tensor a twice/);
    refuses(raw(`{"__metadata__":{"k":"1"},"a":${t(0, 4)},"__metadata__":{"k":"2"}}`, 4), /the header names __metadata__ twice/);
    // Keys inside entries and metadata are not top-level names: the same key in two entries is fine.
    const ok = decodeSafetensors(raw(`{"__metadata__":{"a":"x","shape":"y"},"a":${t(0, 4)},"b":{"shape":[1],"dtype":"F32","data_offsets":[4,8]}}`, 8));
    assert.deepEqual([...ok.tensors.keys()], ['a', 'b']);
    assert.deepEqual(ok.metadata, { a: 'x', shape: 'y' });
  });

  it('refuses a header that is not valid UTF-8 (the reference reader does), naming the byte; a genuine U+FFFD is fine', () => {
    const head = Buffer.alloc(8);
    const json = Buffer.concat([Buffer.from('{"a'), Buffer.from([0xff, 0xfe]), Buffer.from('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')]);
    head.writeBigUInt64LE(BigInt(json.length));
    refuses(new Uint8Array(Buffer.concat([head, json, Buffer.alloc(4)])), /has a corrupt header: it is not valid UTF-8 \(at byte 11\)/);
    const genuine = decodeSafetensors(craft({ 'a\ufffdb': f32([1], 0, 4) }, 4));
    assert.deepEqual([...genuine.tensors.keys()], ['a\ufffdb']);
  });

  it('refuses gaps between tensors and bytes after the last one (the tensors must tile the data block)', () => {
    refuses(craft({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12), /a gap of 4 bytes before tensor b \(at byte 4/);
    refuses(craft({ a: f32([1], 4, 8) }, 8), /a gap of 4 bytes before tensor a \(at byte 0/);
    refuses(craft({ a: f32([1], 0, 4) }, 4 + 1_000_000), /1000000 bytes after the last tensor are not part of any tensor/);
    // Zero-size tensors sit anywhere in the tiling, as in the reference reader.
    const ok = decodeSafetensors(craft({ e: f32([0, 3], 4, 4), a: f32([1], 0, 4), z: f32([2 ** 40, 0], 4, 4) }, 4));
    assert.equal(ok.tensors.get('e')!.data.length, 0);
    assert.equal(ok.tensors.get('z')!.data.length, 0);
  });

  it('bounds the tensor count and the header size', () => {
    const many: Record<string, object> = {};
    for (let i = 0; i <= MAX_TENSORS; i++) many[`t${i}`] = f32([0], 0, 0);
    refuses(craft(many, 0), new RegExp(`lists ${MAX_TENSORS + 1} tensors; SeqLab reads at most ${MAX_TENSORS}`));
    const head = Buffer.alloc(16);
    head.writeBigUInt64LE(BigInt(MAX_HEADER + 8));
    refuses(new Uint8Array(head), /is not a safetensors file \(header length \d+ is implausible\)/);
  });

  it('still reads what the writer writes, metadata included', () => {
    const bytes = encodeSafetensors([{ name: 'a', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }, { name: 'b', shape: [1], data: [7] }], { format: 'pt' });
    const back = decodeSafetensors(bytes);
    assert.deepEqual([...back.tensors.get('a')!.data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(back.metadata, { format: 'pt' });
  });

  it('5,000 tensors aliasing one 1 MB span are refused before any is decoded (quickly, in a few MB)', () => {
    const header: Record<string, object> = {};
    for (let i = 0; i < 5000; i++) header[`alias${i}`] = f32([262144], 0, 1 << 20);
    const bytes = craft(header, 1 << 20);
    const before = process.memoryUsage().arrayBuffers, t0 = performance.now();
    refuses(bytes, /tensors alias\d+ and alias\d+ overlap/);
    const ms = performance.now() - t0, grown = process.memoryUsage().arrayBuffers - before;
    console.log(`      5,000 aliases: refused in ${ms.toFixed(0)} ms, array buffers grew ${(grown / 2 ** 20).toFixed(1)} MB`);
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.ok(grown < 16 * 2 ** 20, `array buffers grew by ${grown} bytes`); // one decoded copy would be 1 MB; all, 5 GB
  });

  it('the real CLI refuses a 2.6 MB file of 20,000 tensors aliasing one 1 MB span fast, with a small peak RSS', function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-st-'));
    try {
      const header: Record<string, object> = {};
      for (let i = 0; i < 20_000; i++) header[`rnn.weight_ih_l${i}`] = f32([512, 512], 0, 1 << 20);
      const file = path.join(dir, 'alias.safetensors');
      fs.writeFileSync(file, craft(header, 1 << 20));
      // The preload prints the process's peak resident set (getrusage ru_maxrss, in KB) as it exits.
      const hook = path.join(dir, 'rss.js');
      fs.writeFileSync(hook, "process.on('exit', () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\\n`));\n");
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['--require', hook, CLI, 'import', file, '--out', path.join(dir, 'out')], { encoding: 'utf8', timeout: 30_000 });
      const ms = Date.now() - t0;
      const rssMb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]) / 1024;
      console.log(`      20,000 aliases (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB file): exit ${r.status} in ${ms} ms, peak RSS ${rssMb.toFixed(0)} MB`);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^seqlab: .*alias\.safetensors lists 20000 tensors; SeqLab reads at most 10000\n/);
      assert.ok(ms < 10_000, `took ${ms} ms`);
      assert.ok(rssMb < 300, `peak RSS ${rssMb} MB`); // node itself is ~50 MB; the old reader reached 11 GB
      assert.ok(!fs.existsSync(path.join(dir, 'out')), 'nothing written');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
