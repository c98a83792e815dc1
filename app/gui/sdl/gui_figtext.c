// gui_figtext: labels of exported figures (gl_image_text) in the app's
// TrueType font rather than the engine's 5x7 bitmap. SDL_ttf renders
// without a window, so the command line's figures (glimpse attend --png)
// get the same font as the app's exports.
#include "gui_sdl.h"
#include "gl_image.h"
#include <SDL_ttf.h>
#include <stdio.h>
#include <string.h>

#define NSIZE 4
static TTF_Font *fonts[NSIZE + 1];   // by scale 1..NSIZE
static int tried, failed;
static char font_path[1024];

static TTF_Font *font_for(int scale) {
    if (scale < 1) scale = 1;
    if (scale > NSIZE) scale = NSIZE;
    if (!tried) {
        tried = 1;
        // its own reference: the window's TTF_Quit leaves these fonts alone
        if (TTF_Init() != 0 || gui_sdl_find_font(font_path, sizeof font_path) != 0) failed = 1;
    }
    if (failed) return NULL;
    // the 5x7 capitals are 7*scale pixels: a face whose capitals match
    if (!fonts[scale]) fonts[scale] = TTF_OpenFont(font_path, 10 * scale);
    return fonts[scale];
}

static int draw_text(gl_image *im, int x, int y, int scale, const char *s, uint8_t r, uint8_t g, uint8_t b) {
    TTF_Font *f = font_for(scale);
    if (!f || !s[0]) return f ? 0 : -1;
    SDL_Color white = { 255, 255, 255, 255 };
    SDL_Surface *t = TTF_RenderUTF8_Blended(f, s, white);
    if (!t) return -1;
    SDL_Surface *a = SDL_ConvertSurfaceFormat(t, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(t);
    if (!a) return -1;
    // the glyphs' tops at y: the face's ascent above the capitals is skipped
    int top = y - (TTF_FontAscent(f) - 7 * scale - scale / 2);
    SDL_LockSurface(a);
    for (int j = 0; j < a->h; j++) {
        int py = top + j;
        if (py < 0 || py >= im->h) continue;
        const uint32_t *row = (const uint32_t *)((const uint8_t *)a->pixels + (size_t)j * a->pitch);
        for (int i = 0; i < a->w; i++) {
            int px = x + i;
            if (px < 0 || px >= im->w) continue;
            unsigned al = row[i] >> 24;
            if (!al) continue;
            uint8_t *p = im->px + ((size_t)py * im->w + px) * 3;
            p[0] = (uint8_t)((p[0] * (255 - al) + r * al) / 255);
            p[1] = (uint8_t)((p[1] * (255 - al) + g * al) / 255);
            p[2] = (uint8_t)((p[2] * (255 - al) + b * al) / 255);
        }
    }
    SDL_UnlockSurface(a);
    SDL_FreeSurface(a);
    return 0;
}

void gui_figtext_install(void) { gl_image_set_text_fn(draw_text); }

void gui_figtext_close(void) {
    for (int i = 0; i <= NSIZE; i++) if (fonts[i]) { TTF_CloseFont(fonts[i]); fonts[i] = NULL; }
    tried = failed = 0;
}
