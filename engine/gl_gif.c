// Animated GIFs through giflib (gl_gif.h).
#include "gl_gif.h"
#include "gl_util.h"
#include <gif_lib.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// ---- the palette -----------------------------------------------------------------
#define N_FIXED 4
#define N_GREY 64
#define N_JET 128
#define N_JET45 (GL_GIF_COLOURS - 1 - N_FIXED - N_GREY - N_JET)   // 59

static uint8_t palette[GL_GIF_COLOURS][3];
static pthread_once_t palette_once = PTHREAD_ONCE_INIT;

static void palette_build(void) {
    int k = 0;
    // index 0 stands for "unchanged": a colour no figure draws, never matched
    palette[k][0] = 255; palette[k][1] = 0; palette[k][2] = 255; k++;
    // DRAW's read (green) and write (red) windows and their trails at 45%
    // (gl_draw_figure.c); the heat maps and greys below hold the rest
    static const uint8_t fixed[N_FIXED][3] = { { 60, 220, 60 }, { 255, 60, 60 }, { 27, 99, 27 }, { 114, 27, 27 } };
    for (int i = 0; i < N_FIXED; i++, k++) memcpy(palette[k], fixed[i], 3);
    for (int i = 0; i < N_GREY; i++, k++)
        palette[k][0] = palette[k][1] = palette[k][2] = (uint8_t)lrintf(255.0f * (float)i / (N_GREY - 1));
    for (int i = 0; i < N_JET; i++, k++) gl_jet((float)i / (N_JET - 1), &palette[k][0], &palette[k][1], &palette[k][2]);
    // as gl_attn_figure blends a fully inked pixel: c + (255 − c)·0.45
    for (int i = 0; i < N_JET45; i++, k++) {
        uint8_t c[3];
        gl_jet((float)i / (N_JET45 - 1), &c[0], &c[1], &c[2]);
        for (int j = 0; j < 3; j++) palette[k][j] = (uint8_t)(c[j] + (255 - c[j]) * 0.45f);
    }
}

const uint8_t *gl_gif_palette(void) {
    pthread_once(&palette_once, palette_build);
    return &palette[0][0];
}

int gl_gif_nearest(uint8_t r, uint8_t g, uint8_t b) {
    gl_gif_palette();
    int best = 1;
    long bd = -1;
    for (int i = 1; i < GL_GIF_COLOURS; i++) {
        long dr = (long)r - palette[i][0], dg = (long)g - palette[i][1], db = (long)b - palette[i][2];
        long d = dr * dr + dg * dg + db * db;
        if (bd < 0 || d < bd) { bd = d; best = i; if (!d) break; }
    }
    return best;
}

int gl_gif_delay(double t0, double t1) { return (int)(llround(100.0 * t1) - llround(100.0 * t0)); }

// ---- the encoder -----------------------------------------------------------------
// Colours seen so far and their palette index: open addressing on the 24-bit
// colour (+1, so 0 is an empty slot). Figures hold a few thousand colours at
// most (anti-aliased edges); the table is cleared when it fills up.
#define CACHE_SLOTS 65536

struct gl_gif {
    int w, h, closed, frames;
    GifFileType *gf;
    uint8_t *shown;       // (h,w) indices of the picture after every frame written or pending
    uint8_t *cur;         // (h,w) the frame being added (valid in the rectangle it may change)
    uint8_t *pend;        // the pending frame's rectangle (pw·ph indices, 0: unchanged)
    int has_pend, px, py, pw, ph, pdelay;
    uint8_t *buf;
    size_t len, cap;
    int overflow;         // the stream passed GL_GIF_MAX_BYTES
    uint32_t *ckey;
    uint8_t *cval;
    int cfill;
};

static int put_bytes(GifFileType *gf, const GifByteType *b, int n) {
    gl_gif *g = gf->UserData;
    if (n <= 0) return n;
    if (g->len + (size_t)n > GL_GIF_MAX_BYTES) { g->overflow = 1; return 0; }
    if (g->len + (size_t)n > g->cap) {
        size_t cap = g->cap ? g->cap : 65536;
        while (cap < g->len + (size_t)n) cap *= 2;
        uint8_t *nb = realloc(g->buf, cap);
        if (!nb) { g->overflow = 1; return 0; }
        g->buf = nb; g->cap = cap;
    }
    memcpy(g->buf + g->len, b, (size_t)n);
    g->len += (size_t)n;
    return n;
}

static int gif_fail(gl_gif *g, const char *what, int code) {
    if (g->overflow)
        gl_seterr("GIF: the animation passes %zu MB (fewer frames or a smaller picture)", GL_GIF_MAX_BYTES >> 20);
    else gl_seterr("GIF: %s: %s", what, GifErrorString(code));
    return -1;
}

gl_gif *gl_gif_new(int w, int h, int loop) {
    if (w < 1 || h < 1 || !gl_image_size_ok(w, h)) {
        if (w < 1 || h < 1) gl_seterr("GIF: a frame of %dx%d pixels", w, h);
        return NULL;
    }
    const uint8_t *pal = gl_gif_palette();
    gl_gif *g = gl_calloc(1, sizeof *g);
    g->w = w; g->h = h;
    size_t n = (size_t)w * h;
    g->shown = gl_malloc(n); g->cur = gl_malloc(n); g->pend = gl_malloc(n);
    g->ckey = gl_calloc(CACHE_SLOTS, sizeof *g->ckey);
    g->cval = gl_malloc(CACHE_SLOTS);
    int err = 0;
    g->gf = EGifOpen(g, put_bytes, &err);
    if (!g->gf) { gl_seterr("GIF: %s", GifErrorString(err)); gl_gif_free(g); return NULL; }
    ColorMapObject *cm = GifMakeMapObject(GL_GIF_COLOURS, NULL);
    if (!cm) { gl_seterr("GIF: out of memory"); gl_gif_free(g); return NULL; }
    for (int i = 0; i < GL_GIF_COLOURS; i++) {
        cm->Colors[i].Red = pal[3 * i]; cm->Colors[i].Green = pal[3 * i + 1]; cm->Colors[i].Blue = pal[3 * i + 2];
    }
    EGifSetGifVersion(g->gf, true);   // delays and transparency are GIF89a
    // the background index is the screen's colour before the first frame,
    // which covers it all
    int rc = EGifPutScreenDesc(g->gf, w, h, 8, 0, cm);
    GifFreeMapObject(cm);
    if (rc == GIF_ERROR) { gif_fail(g, "header", g->gf->Error); gl_gif_free(g); return NULL; }
    if (loop) {
        // NETSCAPE2.0: sub-block 1, then the repeat count (0: forever), little-endian
        static const GifByteType app[11] = { 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0' };
        static const GifByteType count[3] = { 1, 0, 0 };
        if (EGifPutExtensionLeader(g->gf, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
            EGifPutExtensionBlock(g->gf, sizeof app, app) == GIF_ERROR ||
            EGifPutExtensionBlock(g->gf, sizeof count, count) == GIF_ERROR ||
            EGifPutExtensionTrailer(g->gf) == GIF_ERROR) {
            gif_fail(g, "loop extension", g->gf->Error); gl_gif_free(g); return NULL;
        }
    }
    return g;
}

static uint8_t colour_index(gl_gif *g, const uint8_t *p) {
    uint32_t key = ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) + 1;
    uint32_t s = (key * 2654435761u) >> 16;   // 16 bits of a multiplicative hash
    for (;;) {
        if (g->ckey[s] == key) return g->cval[s];
        if (!g->ckey[s]) break;
        s = (s + 1) & (CACHE_SLOTS - 1);
    }
    uint8_t v = (uint8_t)gl_gif_nearest(p[0], p[1], p[2]);
    if (g->cfill >= CACHE_SLOTS * 3 / 4) {   // full: start again (the slot found above is no longer valid)
        memset(g->ckey, 0, CACHE_SLOTS * sizeof *g->ckey);
        g->cfill = 0;
        s = (key * 2654435761u) >> 16;
    }
    g->ckey[s] = key; g->cval[s] = v; g->cfill++;
    return v;
}

// Writes the pending frame: its graphics control block (delay, transparent
// index, leave in place), then its rectangle row by row.
static int flush_pending(gl_gif *g) {
    if (!g->has_pend) return 0;
    GraphicsControlBlock gcb = { .DisposalMode = DISPOSE_DO_NOT, .UserInputFlag = false,
                                 .DelayTime = g->pdelay, .TransparentColor = GL_GIF_TRANSPARENT };
    GifByteType ext[4];
    size_t n = EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(g->gf, GRAPHICS_EXT_FUNC_CODE, (int)n, ext) == GIF_ERROR ||
        EGifPutImageDesc(g->gf, g->px, g->py, g->pw, g->ph, false, NULL) == GIF_ERROR)
        return gif_fail(g, "frame", g->gf->Error);
    for (int y = 0; y < g->ph; y++)
        if (EGifPutLine(g->gf, g->pend + (size_t)y * g->pw, g->pw) == GIF_ERROR)
            return gif_fail(g, "frame", g->gf->Error);
    g->has_pend = 0;
    return 0;
}

int gl_gif_add(gl_gif *g, const gl_image *frame, int delay_cs) {
    return gl_gif_add_rect(g, frame, delay_cs, 0, 0, frame->w, frame->h);
}

int gl_gif_add_rect(gl_gif *g, const gl_image *frame, int delay_cs, int rx, int ry, int rw, int rh) {
    if (g->closed) { gl_seterr("GIF: a frame added after the file was saved"); return -1; }
    if (!frame->px || frame->w != g->w || frame->h != g->h) {
        gl_seterr("GIF: a frame of %dx%d in an animation of %dx%d", frame->w, frame->h, g->w, g->h);
        return -1;
    }
    if (delay_cs < GL_GIF_MIN_DELAY || delay_cs > GL_GIF_MAX_DELAY) {
        gl_seterr("GIF: a delay of %d cs (from %d to %d)", delay_cs, GL_GIF_MIN_DELAY, GL_GIF_MAX_DELAY);
        return -1;
    }
    // the rectangle that may have changed, within the picture (all of it for the first frame)
    int ax = rx < 0 ? 0 : rx, ay = ry < 0 ? 0 : ry;
    int bx = rx + rw > g->w ? g->w : rx + rw, by = ry + rh > g->h ? g->h : ry + rh;
    if (!g->frames) { ax = ay = 0; bx = g->w; by = g->h; }
    int x0 = g->w, y0 = g->h, x1 = -1, y1 = -1;
    for (int y = ay; y < by; y++) {
        uint8_t *a = g->cur + (size_t)y * g->w;
        const uint8_t *b = g->shown + (size_t)y * g->w;
        for (int x = ax; x < bx; x++) a[x] = colour_index(g, frame->px + ((size_t)y * g->w + x) * 3);
        if (g->frames && !memcmp(a + ax, b + ax, (size_t)(bx - ax))) continue;
        int l = ax, r = bx - 1;
        if (g->frames) {   // the rectangle that differs from the picture shown so far
            while (a[l] == b[l]) l++;
            while (a[r] == b[r]) r--;
        }
        if (y < y0) y0 = y;
        y1 = y;
        if (l < x0) x0 = l;
        if (r > x1) x1 = r;
    }
    if (g->frames && y1 < 0 && g->pdelay + delay_cs <= GL_GIF_MAX_DELAY) {   // the same picture: it stays longer
        g->pdelay += delay_cs;
        return 0;
    }
    if (y1 < 0) {   // past the longest delay: a frame of one unchanged pixel
        x0 = y0 = x1 = y1 = 0;
        g->cur[0] = g->shown[0];
    }
    if (flush_pending(g)) return -1;
    g->px = x0; g->py = y0; g->pw = x1 - x0 + 1; g->ph = y1 - y0 + 1; g->pdelay = delay_cs; g->has_pend = 1;
    for (int y = 0; y < g->ph; y++) {
        const uint8_t *a = g->cur + (size_t)(y0 + y) * g->w + x0;
        uint8_t *b = g->shown + (size_t)(y0 + y) * g->w + x0, *o = g->pend + (size_t)y * g->pw;
        // unchanged pixels become transparent: long runs of one index, which LZW packs well
        for (int x = 0; x < g->pw; x++) o[x] = g->frames && a[x] == b[x] ? GL_GIF_TRANSPARENT : a[x];
        memcpy(b, a, (size_t)g->pw);
    }
    g->frames++;
    return 0;
}

int gl_gif_frames(const gl_gif *g) { return g->frames; }
size_t gl_gif_bytes(const gl_gif *g) { return g->len; }

int gl_gif_save(gl_gif *g, const char *path) {
    if (g->closed) { gl_seterr("GIF: saved twice"); return -1; }
    if (!g->frames) { gl_seterr("GIF: no frames to save"); return -1; }
    if (flush_pending(g)) return -1;
    int err = 0;
    g->closed = 1;
    int rc = EGifCloseFile(g->gf, &err);   // writes the trailer and frees gf
    g->gf = NULL;
    if (rc == GIF_ERROR) return gif_fail(g, "trailer", err);
    return gl_write_atomic(path, g->buf, g->len);
}

void gl_gif_free(gl_gif *g) {
    if (!g) return;
    if (g->gf) { int err; EGifCloseFile(g->gf, &err); }
    free(g->shown); free(g->cur); free(g->pend); free(g->ckey); free(g->cval); free(g->buf);
    free(g);
}
