// gl_gif: animated GIFs read back with giflib's own decoder (DGifSlurp): the
// size, the frame count (identical frames merged), each frame's delay, the
// loop extension, every pixel of every composited frame; the palette keeps
// the heat maps' colours exactly; bad frames and delays are refused; a save
// killed half-way leaves the old file whole and the next save cleans up.
#include "gl_test.h"
#include "test_tmp.h"
#include "gl_gif.h"
#include "gl_util.h"
#include <gif_lib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


// Composites the slurped GIF's frames (disposal "leave in place", index 0
// transparent) and checks frame f's picture against want (RGB).
typedef struct { GifFileType *gf; uint8_t *pic; } reader;

static int read_open(reader *r, const char *path) {
    int err = 0;
    r->gf = DGifOpenFileName(path, &err);
    if (!r->gf) { fprintf(stderr, "open %s: %s\n", path, GifErrorString(err)); return -1; }
    if (DGifSlurp(r->gf) == GIF_ERROR) {
        fprintf(stderr, "slurp %s: %s\n", path, GifErrorString(r->gf->Error));
        return -1;
    }
    r->pic = gl_malloc((size_t)r->gf->SWidth * r->gf->SHeight * 3);
    memset(r->pic, 0, (size_t)r->gf->SWidth * r->gf->SHeight * 3);
    return 0;
}

static void read_close(reader *r) {
    int err;
    if (r->gf) DGifCloseFile(r->gf, &err);
    free(r->pic);
}

// Applies frame f onto r->pic.
static void composite(reader *r, int f) {
    const SavedImage *si = &r->gf->SavedImages[f];
    GraphicsControlBlock gcb;
    DGifSavedExtensionToGCB(r->gf, f, &gcb);
    const ColorMapObject *cm = si->ImageDesc.ColorMap ? si->ImageDesc.ColorMap : r->gf->SColorMap;
    for (int y = 0; y < si->ImageDesc.Height; y++)
        for (int x = 0; x < si->ImageDesc.Width; x++) {
            int c = si->RasterBits[y * si->ImageDesc.Width + x];
            if (c == gcb.TransparentColor) continue;
            uint8_t *p = r->pic + ((size_t)(si->ImageDesc.Top + y) * r->gf->SWidth + si->ImageDesc.Left + x) * 3;
            p[0] = cm->Colors[c].Red; p[1] = cm->Colors[c].Green; p[2] = cm->Colors[c].Blue;
        }
}

// The NETSCAPE2.0 repeat count, or -1 when the file has none (plays once).
static int loop_count(GifFileType *gf) {
    if (gf->ImageCount < 1) return -1;
    const SavedImage *si = &gf->SavedImages[0];
    for (int i = 0; i + 1 < si->ExtensionBlockCount; i++) {
        const ExtensionBlock *e = &si->ExtensionBlocks[i];
        if (e->Function == APPLICATION_EXT_FUNC_CODE && e->ByteCount == 11 && !memcmp(e->Bytes, "NETSCAPE2.0", 11)) {
            const ExtensionBlock *d = &si->ExtensionBlocks[i + 1];
            if (d->ByteCount == 3 && d->Bytes[0] == 1) return d->Bytes[1] | d->Bytes[2] << 8;
        }
    }
    return -1;
}

static void test_palette(void) {
    const uint8_t *pal = gl_gif_palette();
    int self = 0;
    for (int i = 1; i < GL_GIF_COLOURS; i++) {
        int k = gl_gif_nearest(pal[3 * i], pal[3 * i + 1], pal[3 * i + 2]);
        self += !memcmp(pal + 3 * k, pal + 3 * i, 3);
    }
    CHECK(self == GL_GIF_COLOURS - 1, "%d of 255 palette colours map to themselves", self);
    // the jet map at 128 levels is in the palette exactly; any jet colour is
    // within a level's step of one
    int exact = 0, worst = 0;
    for (int i = 0; i <= 1000; i++) {
        uint8_t c[3];
        gl_jet(i / 1000.0f, &c[0], &c[1], &c[2]);
        int k = gl_gif_nearest(c[0], c[1], c[2]);
        int d = abs(c[0] - pal[3 * k]) + abs(c[1] - pal[3 * k + 1]) + abs(c[2] - pal[3 * k + 2]);
        if (d > worst) worst = d;
    }
    for (int j = 0; j < 128; j++) {
        uint8_t e[3];
        gl_jet(j / 127.0f, &e[0], &e[1], &e[2]);
        int ke = gl_gif_nearest(e[0], e[1], e[2]);
        exact += !memcmp(pal + 3 * ke, e, 3);
    }
    CHECK(exact == 128, "%d of the 128 jet levels are in the palette exactly", exact);
    CHECK(worst <= 12, "a jet colour is %d (sum of |channel differences|) from its palette colour", worst);
    for (int v = 0; v < 256; v++) {
        int k = gl_gif_nearest((uint8_t)v, (uint8_t)v, (uint8_t)v);
        CHECK(pal[3 * k] == pal[3 * k + 1] && pal[3 * k + 1] == pal[3 * k + 2] && abs(pal[3 * k] - v) <= 2,
              "grey %d -> (%d,%d,%d)", v, pal[3 * k], pal[3 * k + 1], pal[3 * k + 2]);
    }
    CHECK(gl_gif_nearest(255, 0, 255) != GL_GIF_TRANSPARENT, "the transparent index is matched");
    CHECK(gl_gif_nearest(255, 255, 255) && pal[3 * gl_gif_nearest(255, 255, 255)] == 255, "white");
}

// Five frames of 40x30 in palette colours, the third identical to the second.
static void frames5(gl_image im[5]) {
    uint8_t r, g, b;
    im[0] = gl_image_new(40, 30, 255, 255, 255);
    im[1] = gl_image_new(40, 30, 255, 255, 255);
    gl_jet(1.0f, &r, &g, &b);
    gl_image_rect(&im[1], 5, 6, 10, 7, r, g, b);
    im[2] = gl_image_new(40, 30, 255, 255, 255);
    gl_image_rect(&im[2], 5, 6, 10, 7, r, g, b);
    im[3] = gl_image_new(40, 30, 255, 255, 255);
    gl_image_rect(&im[3], 5, 6, 10, 7, r, g, b);
    gl_image_rect(&im[3], 30, 20, 3, 9, 0, 0, 0);
    gl_jet(0.0f, &r, &g, &b);
    gl_image_rect(&im[3], 0, 0, 2, 2, r, g, b);
    im[4] = gl_image_new(40, 30, 255, 255, 255);
}

static int write_gif(const char *path, int nframes, int loop) {
    gl_image im[5];
    frames5(im);
    static const int delay[5] = { 10, 20, 30, 40, 50 };
    gl_gif *g = gl_gif_new(40, 30, loop);
    int rc = g ? 0 : -1;
    for (int i = 0; i < nframes && !rc; i++) rc = gl_gif_add(g, &im[i], delay[i]);
    if (!rc) rc = gl_gif_save(g, path);
    gl_gif_free(g);
    for (int i = 0; i < 5; i++) gl_image_free(&im[i]);
    return rc;
}

static void test_roundtrip(void) {
    char path[300];
    snprintf(path, sizeof path, "%s/a.gif", tmpdir);
    CHECK(write_gif(path, 5, 1) == 0, "save: %s", gl_err());
    reader r = {0};
    if (read_open(&r, path)) { CHECK(0, "the GIF does not read back"); read_close(&r); return; }
    CHECK(r.gf->SWidth == 40 && r.gf->SHeight == 30, "size %dx%d", r.gf->SWidth, r.gf->SHeight);
    // frames 2 and 3 are one picture: one frame of 20 + 30 cs
    CHECK(r.gf->ImageCount == 4, "%d frames, not 4", r.gf->ImageCount);
    static const int want_delay[4] = { 10, 50, 40, 50 };
    gl_image im[5];
    frames5(im);
    const gl_image *want[4] = { &im[0], &im[1], &im[3], &im[4] };
    for (int f = 0; f < r.gf->ImageCount && f < 4; f++) {
        GraphicsControlBlock gcb;
        CHECK(DGifSavedExtensionToGCB(r.gf, f, &gcb) == GIF_OK, "frame %d has no control block", f);
        CHECK(gcb.DelayTime == want_delay[f], "frame %d: delay %d cs, not %d", f, gcb.DelayTime, want_delay[f]);
        CHECK(gcb.DisposalMode == DISPOSE_DO_NOT, "frame %d: disposal %d", f, gcb.DisposalMode);
        composite(&r, f);
        CHECK(!memcmp(r.pic, want[f]->px, 40 * 30 * 3), "frame %d: the composited picture differs", f);
    }
    // a frame after the first holds only what changed: frame 3's change
    // spans (0,0)..(32,28), frame 4 the rectangles it removes
    const GifImageDesc *d = &r.gf->SavedImages[1].ImageDesc;
    CHECK(d->Left == 5 && d->Top == 6 && d->Width == 10 && d->Height == 7, "frame 1 at %d,%d %dx%d", d->Left, d->Top,
          d->Width, d->Height);
    CHECK(loop_count(r.gf) == 0, "loop count %d, not 0 (forever)", loop_count(r.gf));
    for (int i = 0; i < 5; i++) gl_image_free(&im[i]);
    read_close(&r);

    snprintf(path, sizeof path, "%s/once.gif", tmpdir);
    CHECK(write_gif(path, 2, 0) == 0, "save: %s", gl_err());
    reader o = {0};
    if (!read_open(&o, path)) {
        CHECK(o.gf->ImageCount == 2, "%d frames", o.gf->ImageCount);
        CHECK(loop_count(o.gf) == -1, "a GIF that plays once has a loop extension");
    }
    read_close(&o);
}

// gl_gif_add_rect with rectangles that hold every change (a pen's new ink)
// writes the very bytes gl_gif_add writes
static void test_rect(void) {
    gl_image im[5];
    frames5(im);
    static const int delay[5] = { 10, 20, 30, 40, 50 };
    static const int rect[5][4] = { { 0, 0, 1, 1 }, { 3, 4, 14, 10 }, { 0, 0, 0, 0 }, { 0, 0, 40, 30 },
                                    { -5, -5, 60, 60 } };
    gl_gif *a = gl_gif_new(40, 30, 1), *b = gl_gif_new(40, 30, 1);
    for (int i = 0; i < 5; i++) {
        CHECK(gl_gif_add(a, &im[i], delay[i]) == 0, "add: %s", gl_err());
        CHECK(gl_gif_add_rect(b, &im[i], delay[i], rect[i][0], rect[i][1], rect[i][2], rect[i][3]) == 0, "add_rect: %s",
              gl_err());
    }
    char pa[300], pb[300];
    snprintf(pa, sizeof pa, "%s/full.gif", tmpdir);
    snprintf(pb, sizeof pb, "%s/rect.gif", tmpdir);
    CHECK(gl_gif_save(a, pa) == 0 && gl_gif_save(b, pb) == 0, "save: %s", gl_err());
    uint8_t *ba, *bb;
    size_t na, nb;
    if (gl_read_file(pa, &ba, &na) == 0 && gl_read_file(pb, &bb, &nb) == 0) {
        CHECK(na == nb && !memcmp(ba, bb, na), "add_rect wrote %zu bytes unlike add's %zu", nb, na);
        free(ba); free(bb);
    } else CHECK(0, "read back: %s", gl_err());
    gl_gif_free(a); gl_gif_free(b);
    for (int i = 0; i < 5; i++) gl_image_free(&im[i]);
}

static void test_refusals(void) {
    gl_image small = gl_image_new(10, 10, 0, 0, 0), ok = gl_image_new(40, 30, 0, 0, 0);
    gl_gif *g = gl_gif_new(40, 30, 1);
    CHECK(gl_gif_add(g, &small, 10) == -1 && strstr(gl_err(), "10x10"), "a frame of another size: %s", gl_err());
    CHECK(gl_gif_add(g, &ok, 1) == -1 && strstr(gl_err(), "delay of 1"), "a delay of 1 cs: %s", gl_err());
    CHECK(gl_gif_add(g, &ok, 70000) == -1, "a delay of 70000 cs");
    char path[300];
    snprintf(path, sizeof path, "%s/none.gif", tmpdir);
    CHECK(gl_gif_save(g, path) == -1 && strstr(gl_err(), "no frames") && !gl_file_exists(path), "no frames: %s",
          gl_err());
    CHECK(gl_gif_add(g, &ok, 10) == 0, "add: %s", gl_err());
    CHECK(gl_gif_frames(g) == 1, "%d frames", gl_gif_frames(g));
    CHECK(gl_gif_save(g, path) == 0, "save: %s", gl_err());
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (size_t)sb.st_size == gl_gif_bytes(g), "gl_gif_bytes %zu, the file %lld bytes",
          gl_gif_bytes(g), (long long)sb.st_size);
    CHECK(gl_gif_add(g, &ok, 10) == -1, "a frame after the save");
    gl_gif_free(g);
    gl_gif_free(gl_gif_new(40, 30, 1));   // freed unsaved: no leak (the sanitizer build checks)
    CHECK(gl_gif_new(0, 30, 1) == NULL, "a frame 0 pixels wide");
    CHECK(gl_gif_new(40000, 30, 1) == NULL, "a frame 40000 pixels wide");
    gl_image_free(&small); gl_image_free(&ok);
}

static void test_delays(void) {
    // 1000 points of 30.12 ms, each its own frame: the delays add up to the
    // rounded total, never drifting by a frame's rounding
    long sum = 0;
    for (int k = 0; k < 1000; k++) sum += gl_gif_delay(k * 0.03012, (k + 1) * 0.03012);
    CHECK(sum == 3012, "1000 frames of 30.12 ms: %ld cs", sum);
    CHECK(gl_gif_delay(0, 0.5) == 50 && gl_gif_delay(0.004, 0.016) == 2, "rounding");
}

// A save killed half-way (GLIMPSE_WRITE_PAUSE_MS holds gl_write_atomic with
// half the file written): the old file stays whole, the temporary is left,
// and the next save to the name removes it.
static void test_killed_write(void) {
    char path[300], tmp[400];
    snprintf(path, sizeof path, "%s/k.gif", tmpdir);
    // the pause is read once per process (and inherited by a child): the old
    // file and the killed write come from children of a parent that has not
    // written yet; the parent's own save (after) runs without it
    pid_t p = fork();
    if (p == 0) _exit(write_gif(path, 1, 1) ? 1 : 0);
    int st;
    waitpid(p, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the first save failed");
    p = fork();
    if (p == 0) { setenv("GLIMPSE_WRITE_PAUSE_MS", "20000", 1); _exit(write_gif(path, 5, 1) ? 1 : 0); }
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)p);
    struct stat sb;
    int seen = 0;
    for (int i = 0; i < 1000 && !seen; i++) {
        if (stat(tmp, &sb) == 0 && sb.st_size > 0) seen = 1;
        else usleep(10000);
    }
    kill(p, SIGKILL);
    waitpid(p, &st, 0);
    CHECK(seen, "no temporary %s while the save was held", tmp);
    CHECK(WIFSIGNALED(st), "the held save ended on its own");
    reader r = {0};
    CHECK(read_open(&r, path) == 0 && r.gf->ImageCount == 1, "the old GIF is not whole after the kill");
    read_close(&r);
    CHECK(write_gif(path, 5, 1) == 0, "the next save: %s", gl_err());
    CHECK(stat(tmp, &sb) != 0, "the next save left %s", tmp);
    reader n = {0};
    CHECK(read_open(&n, path) == 0 && n.gf->ImageCount == 4, "the new GIF");
    read_close(&n);
}

int main(void) {
    if (test_tmp_begin("test-gif")) return 1;
    // first: gl_write_atomic reads GLIMPSE_WRITE_PAUSE_MS at its first call in
    // a process, and a child inherits what its parent read
    test_killed_write();
    test_palette();
    test_roundtrip();
    test_rect();
    test_refusals();
    test_delays();
    test_tmp_end();
    TEST_MAIN_END();
}
