#!/usr/bin/env python3
"""Seeds of the fuzz harnesses that glimpse cannot write itself: safetensors
of every dtype and rank, JSON, IDX, PNG of every colour type and bit depth,
PGM, primer files, scripts, argument lists and a whole synthetic .jhf font.
Usage: make_seeds.py SEEDS_DIR"""
import json, os, struct, sys, zlib

S = sys.argv[1]
def put(sub, name, data):
    os.makedirs(os.path.join(S, sub), exist_ok=True)
    open(os.path.join(S, sub, name), 'wb').write(data if isinstance(data, bytes) else data.encode())

def st(tensors, meta=None):
    h, off, blob = {}, 0, b''
    if meta is not None: h['__metadata__'] = meta
    for name, dtype, shape, raw in tensors:
        h[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [off, off + len(raw)]}
        off += len(raw); blob += raw
    hb = json.dumps(h, separators=(',', ':')).encode()
    hb += b' ' * ((8 - len(hb) % 8) % 8)
    return struct.pack('<Q', len(hb)) + hb + blob

# every dtype of the format (only F32 loads), every rank, an empty tensor
sizes = {'F64': 8, 'F32': 4, 'F16': 2, 'BF16': 2, 'I64': 8, 'I32': 4, 'I16': 2, 'I8': 1, 'U8': 1, 'BOOL': 1, 'F8_E4M3': 1}
for dt, sz in sizes.items():
    put('safetensors', 'dtype-%s.safetensors' % dt.lower(), st([('x', dt, [2, 3], bytes(6 * sz))], {'model': 'draw'}))
f32 = lambda n, v=0.5: struct.pack('<%df' % n, *([v] * n))
put('safetensors', 'ranks.safetensors', st([('r0', 'F32', [], f32(1)), ('r1', 'F32', [3], f32(3)), ('r2', 'F32', [2, 2], f32(4)),
    ('r3', 'F32', [1, 2, 2], f32(4)), ('r4', 'F32', [1, 1, 2, 1], f32(2)), ('empty', 'F32', [0, 5], b'')], {'a': 'b', 'digest': '0000000000000000'}))
put('safetensors', 'nometa.safetensors', st([('w', 'F32', [2], f32(2))]))
put('json', 'header.json', json.dumps({'__metadata__': {'model': 'handwriting-synthesis', 'layers': '1', 'alphabet': ' ab'},
    'w': {'dtype': 'F32', 'shape': [2, 3], 'data_offsets': [0, 24]}}))
put('json', 'values.json', '{"a": [1, -2.5e-3, 1E+2, 0], "b": {"c": "x\\ny\\u00e9\\"\\\\"}, "d": true, "e": false, "f": null}')
put('json', 'nested.json', '[[[[{"k": [[]]}]]], {}, "", -0]')

# IDX: 2 images of 28x28 and 2 labels
put('idx', 'images.idx3', struct.pack('>IIII', 0x803, 2, 28, 28) + bytes(range(256)) * 6 + bytes(1568 - 1536))
put('idx', 'labels.idx1', struct.pack('>II', 0x801, 2) + bytes([3, 9]))

# PNG: every colour type and bit depth libpng reads, unfiltered rows
def chunk(k, d): return struct.pack('>I', len(d)) + k + d + struct.pack('>I', zlib.crc32(k + d) & 0xffffffff)
def png(w, h, ctype, depth, row, extra=b''):
    raw = b''.join(b'\0' + row(y) for y in range(h))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 0)) + extra \
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
for ctype, depths in {0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]}.items():
    for d in depths:
        w, h = 12, 10
        bits = w * chans[ctype] * d
        row = lambda y, n=(bits + 7) // 8: bytes(((x * 37 + y * 11) & 0xff) if 3 < x % 12 < 8 else 0 for x in range(n))
        extra = chunk(b'PLTE', bytes(i % 256 for i in range(3 * (1 << min(d, 8))))) if ctype == 3 else b''
        put('image', 'png-c%d-d%d.png' % (ctype, d), png(w, h, ctype, d, row, extra))
put('image', 'trns.png', png(4, 4, 2, 8, lambda y: bytes(12), chunk(b'tRNS', bytes(6)) + chunk(b'gAMA', struct.pack('>I', 45455))))
put('image', 'ascii.pgm', 'P2\n# a comment\n4 3\n15\n0 0 0 0\n0 15 15 0\n0 0 7 0\n')
put('image', 'binary.pgm', b'P5\n5 5\n255\n' + bytes([0, 0, 0, 0, 0, 0, 200, 255, 200, 0, 0, 255, 0, 255, 0, 0, 200, 255, 200, 0, 0, 0, 0, 0, 0]))
put('image', 'paper.pgm', b'P5 3 3 255 ' + bytes([250, 250, 250, 250, 10, 250, 250, 250, 250]))

# primers: the shape `write --json` writes, and its "lines" form
pts = [[1.5, 0.25 * (i % 5) - 0.5, 1 if i % 6 == 5 else 0] for i in range(24)]
put('style', 'primer.json', json.dumps({'text': 'ab ab', 'points': pts}))
put('style', 'lines.json', json.dumps({'model': 'x', 'lines': [{'text': 'b', 'ended': True, 'steps': 12, 'points': pts[:12], 'phi': [[0.1, 0.9]], 'kappa': [[1.0]]}]}))

# scripts: every command
put('script', 'all.txt', '# every command\nmove 10 20\ndown 10 20\nup 10 20 3\nclick 5 5 2\ndrag 0 0 100 50 4\nwheel -1.5\n'
    'key ctrl+z\nkey Left\nkey a\ntext hello world\nwait 0\nidle\nframe 2\nscreenshot /dev/null\n')
put('script', 'crlf.txt', 'move 1 1\r\n\r\n   # indented comment\r\ndrag 0 0 1 1\r\n')

# argument lists: first byte picks the table (bit 0) and positionals (bit 1)
for i, a in enumerate([b'\x00--key\nsoftmax\n--hidden=16\n--lr\n0.002\n--resume',
                       b'\x01-o\nx.png\n--grid\n3\n--frames\n--json\n--scale=4',
                       b'\x03text\n--bias\n-1\n-5\nmore text\n--\n-',
                       b'\x00--help', b'\x02a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq']):
    put('args', 'args%d' % i, a)

# a whole .jhf font: 95 glyphs (ASCII 32..126), one with a continuation line
lines = []
for g in range(95):
    pairs = ['IZ'] + ['MN', 'OP', ' R', 'QR', 'ST'][: 1 + g % 5]
    if g == 40: pairs += ['RR'] * 40
    body = ''.join(pairs)
    head = '%5d%3d' % (g + 1, len(pairs))
    rec = head + body
    lines += [rec[i:i + 72] for i in range(0, len(rec), 72)]
put('jhf', 'synthetic.jhf', '\n'.join(lines) + '\n')
