// The software renderer's damage tracking (gui_sdl.c): a backend that draws
// only the tiles whose commands changed must leave exactly the pixels of a
// backend that draws every frame whole. Two headless backends get the same
// 300 frames of a scene that changes a little each frame (moving and
// recoloured rects, lines thin and thick, text that changes, images whose
// pixels change, clip rects, things appearing and going), and their frames
// are compared pixel for pixel; the tracking backend must also have drawn
// far less than the whole window.
#include "gl_image.h"
#include "gl_test.h"
#include "gl_util.h"
#include <math.h>
#include <stdlib.h>
#include "gui_sdl.h"
#include <string.h>

static void scene(gui_ctx *ui, int f, gl_rng *g) {
    gui_rect_fill(ui, gui_r(0, 0, 640, 400), gui_rgb(30, 32, 36));
    gui_rect_fill(ui, gui_r(20, 20, 300, 200), gui_rgb(44, 48, 56));   // a panel that never changes
    gui_text(ui, 30, 30, GUI_FONT_NORMAL, gui_rgb(220, 220, 220), "a label that stays");
    // a curve that grows by a point each frame, inside a clip
    gui_clip(ui, gui_r(340, 20, 280, 180));
    for (int i = 1; i <= f % 120 + 1; i++)
        gui_line(ui, 330.0f + 2.5f * (i - 1), 150 - 40 * sinf(0.1f * (i - 1)), 330.0f + 2.5f * i, 150 - 40 * sinf(0.1f * i), i % 3 ? 1 : 2.2f, gui_rgb(120, 180, 255));
    gui_clip_reset(ui);
    // numbers that change every few frames
    gui_textf(ui, 30, 60, GUI_FONT_SMALL, gui_rgb(200, 200, 120), "step %d", f / 3);
    // a rect moving (and blending: half transparent) across the panel border
    int x = 10 + (f * 7) % 400;
    gui_rect_fill(ui, gui_r(x, 180 + (f % 5), 60, 30), gui_rgba(250, 120, 80, f % 2 ? 255 : 128));
    gui_rect_frame(ui, gui_r(x - 3, 177, 66, 36), gui_rgb(255, 255, 255));
    // an image whose pixels change every 10 frames, scaled up
    uint8_t px[12 * 12 * 3];
    for (int i = 0; i < 12 * 12 * 3; i++) px[i] = (uint8_t)((i * 7 + (f / 10) * 31) & 255);
    gui_image(ui, gui_r(40, 240, 96, 96), px, 12, 12);
    // something that comes and goes
    if ((f / 17) % 2) gui_text(ui, 200, 300, GUI_FONT_LARGE, gui_rgb(140, 220, 140), "now you see it");
    // a random small change somewhere
    int rx = (int)gl_rng_below(g, 600), ry = (int)gl_rng_below(g, 380);
    gui_rect_fill(ui, gui_r(rx, ry, 1 + (int)gl_rng_below(g, 30), 1 + (int)gl_rng_below(g, 20)), gui_rgb((uint8_t)gl_rng_below(g, 256), 90, 200));
    // a clipped image partly outside its clip
    gui_clip(ui, gui_r(400, 250, 100, 60));
    gui_image(ui, gui_r(380 + f % 40, 240, 80, 80), px, 12, 12);
    gui_clip_reset(ui);
}

int main(void) {
    setenv("GLIMPSE_FULL_REDRAW", "1", 1);
    gui_sdl *full = gui_sdl_open(640, 400, 1);
    unsetenv("GLIMPSE_FULL_REDRAW");
    gui_sdl *dmg = gui_sdl_open(640, 400, 1);
    CHECK(full && dmg, "two headless backends: %s", gl_err());
    if (!full || !dmg) TEST_MAIN_END();
    int lh[GUI_NFONT];
    gui_sdl_line_heights(full, lh);
    gui_ctx a, b;
    gui_init(&a, 640, 400, gui_sdl_text_width, full, lh);
    gui_init(&b, 640, 400, gui_sdl_text_width, dmg, lh);
    gl_rng ga, gb;
    gl_rng_seed(&ga, 7);
    gl_rng_seed(&gb, 7);
    int differ = -1;
    long bad_px = 0;
    for (int f = 0; f < 300 && differ < 0; f++) {
        gui_begin(&a); scene(&a, f, &ga); gui_sdl_render(full, &a); gui_end(&a);
        gui_begin(&b); scene(&b, f, &gb); gui_sdl_render(dmg, &b); gui_end(&b);
        gl_image ia, ib;
        if (gui_sdl_read(full, &ia) != 0 || gui_sdl_read(dmg, &ib) != 0) { CHECK(0, "read back: %s", gl_err()); break; }
        if (ia.w != ib.w || ia.h != ib.h || memcmp(ia.px, ib.px, (size_t)ia.w * ia.h * 3)) {
            differ = f;
            for (int i = 0; i < ia.w * ia.h * 3 && ia.w == ib.w && ia.h == ib.h; i++) {
                if (ia.px[i] != ib.px[i] && bad_px < 8) fprintf(stderr, "  differs at (%d, %d)\n", i / 3 % ia.w, i / 3 / ia.w);
                bad_px += ia.px[i] != ib.px[i];
            }
        }
        gl_image_free(&ia);
        gl_image_free(&ib);
    }
    CHECK(differ < 0, "every frame the same pixels as a whole redraw (first difference at frame %d, %ld bytes)", differ, bad_px);
    double share = gui_sdl_drawn_share(dmg), share_full = gui_sdl_drawn_share(full);
    CHECK(share_full == 1.0, "the whole-redraw backend drew every tile (%.2f)", share_full);
    CHECK(share < 0.5, "the tracking backend drew %.0f%% of the window per frame", 100 * share);
    printf("damage tracking: %.0f%% of the window drawn per frame\n", 100 * share);
    gui_free(&a);
    gui_free(&b);
    gui_sdl_close(dmg);
    gui_sdl_close(full);
    TEST_MAIN_END();
}
