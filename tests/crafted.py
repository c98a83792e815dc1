#!/usr/bin/env python3
"""Crafted inputs of issue 14 for the CLI tests: python3 tests/crafted.py KIND OUT [ARGS].

Each kind is a file that once crashed glimpse, made it allocate gigabytes, or
loaded while lying about itself."""
import json, struct, sys, zlib

def st_header(h):
    hb = json.dumps(h).encode()
    hb += b' ' * ((8 - len(hb) % 8) % 8)
    return struct.pack('<Q', len(hb)) + hb

def st_read(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    return json.loads(b[8:8 + n]), bytearray(b[8 + n:])

def png_chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

kind, out = sys.argv[1], sys.argv[2]
if kind == 'st-wrap':        # the shape's product times 4 wraps to 0
    b = st_header({"a": {"dtype": "F32", "shape": [65536, 65536, 32768, 32768], "data_offsets": [0, 0]}})
elif kind == 'st-meta-array':
    b = st_header({"__metadata__": ["x"]})
elif kind == 'st-frac':      # fractional offsets were truncated
    b = st_header({"__metadata__": {"model": "draw"}, "a": {"dtype": "F32", "shape": [2], "data_offsets": [0.5, 8.5]}}) + bytes(16)
elif kind == 'png-huge':     # 74 bytes declaring 1,000,000 x 1,000,000 pixels
    b = b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', struct.pack('>IIBBBBB', 1000000, 1000000, 8, 0, 0, 0, 0)) \
        + png_chunk(b'IDAT', zlib.compress(b'\0')) + png_chunk(b'IEND', b'')
elif kind == 'pgm-wide':     # a width of 23 digits
    b = b'P2\n12345678901234567890123 2\n255\n0 0\n'
elif kind == 'pgm-pixel':    # an ASCII pixel of 20 digits
    b = b'P2\n2 1\n255\n12345678901234567890 0\n'
elif kind == 'pgm-grey':     # uniform grey: no digit
    b = b'P5\n28 28\n255\n' + bytes([128]) * 784
elif kind == 'set-meta':     # ARGS: SRC KEY VALUE [nodigest]: edit one metadata value
    h, data = st_read(sys.argv[3])
    h['__metadata__'][sys.argv[4]] = sys.argv[5]
    if len(sys.argv) > 6: h['__metadata__'].pop('digest', None)
    b = st_header(h) + data
elif kind == 'set-value':    # ARGS: SRC TENSOR INDEX VALUE: one weight changed, digest dropped (another tool's file)
    h, data = st_read(sys.argv[3])
    o = h[sys.argv[4]]['data_offsets'][0] + 4 * int(sys.argv[5])
    data[o:o + 4] = struct.pack('<f', float(sys.argv[6]))
    h['__metadata__'].pop('digest', None)
    b = st_header(h) + data
elif kind == 'style':        # ARGS: TEXT N DX EOS: a primer of N points
    text, n, dx, eos = sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
    b = json.dumps({"text": text, "points": [[dx, 0.5, eos if i % 7 == 6 else 0] for i in range(n)]}).encode()
else:
    sys.exit('unknown kind ' + kind)
open(out, 'wb').write(b)
