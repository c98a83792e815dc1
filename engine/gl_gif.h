// gl_gif: animated GIFs of gl_image frames (through giflib), for every
// playback the CLI and the app export: the attention classifier's glimpses,
// DRAW's steps, a line being written, the cluttered-MNIST search.
//
// One global palette of 256 colours serves every frame, chosen to keep the
// figures' colours exact rather than approximated per picture: the jet colour
// map (gl_jet) at 128 levels, jet 45% toward white (the attention figure's
// digit showing through a mask) at 59 levels, 64 greys (digits, canvases,
// ink, text) and DRAW's read and write window colours and their dimmed
// trails. Index 0 is kept for "unchanged": each frame after the first holds
// only the rectangle that differs from the picture before it, its unchanged
// pixels transparent (disposal "leave in place"), so a line being written
// costs a few hundred bytes a frame. Any other colour becomes its nearest
// palette colour (squared RGB distance).
//
// Frames are encoded as they are added (memory: the stream, and two index
// planes of the frame's size); gl_gif_save writes the stream atomically
// (gl_write_atomic: a temporary, then a rename), so a killed export never
// leaves half a file.
#ifndef GL_GIF_H
#define GL_GIF_H
#include "gl_image.h"
#include <stddef.h>
#include <stdint.h>

#define GL_GIF_COLOURS 256
#define GL_GIF_TRANSPARENT 0          // the index of "unchanged since the frame before"
#define GL_GIF_MIN_DELAY 2            // centiseconds: browsers play 0 and 1 as 10
#define GL_GIF_MAX_DELAY 65535
#define GL_GIF_MAX_BYTES ((size_t)256 << 20)   // an export larger than this is refused

typedef struct gl_gif gl_gif;

// A GIF of w×h frames (1..GL_IMAGE_MAX_SIDE, at most GL_IMAGE_MAX_PIXELS);
// loop: 1 plays forever (the NETSCAPE2.0 extension, count 0), 0 plays once.
// NULL with gl_err on a bad size.
gl_gif *gl_gif_new(int w, int h, int loop);
// Adds a frame (w×h, as the GIF) shown for delay_cs centiseconds
// (GL_GIF_MIN_DELAY..GL_GIF_MAX_DELAY). A frame identical to the picture
// before it adds its delay to that frame instead of becoming one (up to
// GL_GIF_MAX_DELAY). -1 with gl_err: a wrong size or delay, a stream past
// GL_GIF_MAX_BYTES, a giflib error, or a GIF already saved.
int gl_gif_add(gl_gif *g, const gl_image *frame, int delay_cs);
// The same when the caller knows that only the rectangle (x, y, w, h) can
// differ from the frame before (a pen's new strokes): the frame is read
// there only, so a long animation of a large picture costs its changes, not
// its area. Pixels outside it must be those of the frame before.
int gl_gif_add_rect(gl_gif *g, const gl_image *frame, int delay_cs, int x, int y, int w, int h);
// Frames in the file so far (identical frames merged) and the stream's bytes
// so far (the last frame is held back until the next or the save; after
// gl_gif_save, the file's size).
int gl_gif_frames(const gl_gif *g);
size_t gl_gif_bytes(const gl_gif *g);
// Ends the stream and writes it to path (atomic). A GIF without frames is
// refused. After this no frame can be added (the stream is closed); -1 with
// gl_err on failure (the file is then untouched).
int gl_gif_save(gl_gif *g, const char *path);
void gl_gif_free(gl_gif *g);

// The palette (256 RGB triples) and the nearest palette index of a colour
// (never GL_GIF_TRANSPARENT); a palette colour maps to itself.
const uint8_t *gl_gif_palette(void);
int gl_gif_nearest(uint8_t r, uint8_t g, uint8_t b);

// The delay of a frame shown from time t0 to t1 (seconds from the start of
// the playback): round(100·t1) − round(100·t0) centiseconds, so the delays
// of consecutive frames add up to the rounded total (no drift from rounding
// each frame alone).
int gl_gif_delay(double t0, double t1);
#endif
