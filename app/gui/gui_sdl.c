// gui_sdl: SDL2 + SDL2_ttf backend (see gui_sdl.h). Everything else in the
// application draws through the command list of gui.h.
#include "gui_sdl.h"
#include "gl_util.h"
#include <SDL.h>
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int font_pt[GUI_NFONT] = { 12, 14, 18 };

// Rendered strings are kept as textures between frames (most labels do not
// change), white, tinted with the colour at draw time.
#define TEXT_BUCKETS 1024
typedef struct text_entry {
    struct text_entry *next;
    uint32_t hash;
    int font, w, h;
    uint64_t used;
    SDL_Texture *tex;
    char s[];
} text_entry;

typedef struct { SDL_Texture *tex; int w, h; } image_slot;

struct gui_sdl {
    SDL_Window *win;
    SDL_Surface *surface;     // headless target
    SDL_Renderer *ren;
    TTF_Font *font[GUI_NFONT];
    float scale;              // pixels per point (HiDPI)
    int w, h;                 // points
    int vsync, video_ok, ttf_ok;
    int visible;              // the window is shown and not minimised
    char font_path[1024];
    text_entry *text[TEXT_BUCKETS];
    uint64_t frame;
    // Image textures are reused by position in the frame's command list: the
    // n-th image of a frame goes to slot n, so no ids are needed and a
    // steady layout re-uploads pixels into the same textures.
    image_slot *img;
    int nimg;
};

// fontconfig: a sans-serif face that is a TrueType/OpenType file.
int gui_sdl_find_font(char *out, size_t n) {
    const char *env = getenv("GLIMPSE_FONT");
    if (env && *env) {
        if (!gl_file_exists(env)) { gl_seterr("GLIMPSE_FONT=%s: no such file", env); return -1; }
        snprintf(out, n, "%s", env);
        return 0;
    }
    if (!FcInit()) { gl_seterr("fontconfig failed to initialise"); return -1; }
    const char *names[] = { "DejaVu Sans", "Liberation Sans", "Noto Sans", "sans-serif" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        FcPattern *pat = FcNameParse((const FcChar8 *)names[i]);
        if (!pat) continue;
        FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *match = FcFontMatch(NULL, pat, &res);
        FcPatternDestroy(pat);
        if (!match) continue;
        FcChar8 *file = NULL;
        int ok = FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch && file &&
                 (strstr((const char *)file, ".ttf") || strstr((const char *)file, ".otf") || strstr((const char *)file, ".TTF"));
        if (ok) snprintf(out, n, "%s", (const char *)file);
        FcPatternDestroy(match);
        if (ok) return 0;
    }
    gl_seterr("no TrueType font found (install fonts-dejavu-core, or set GLIMPSE_FONT=/path/to/font.ttf)");
    return -1;
}

static int open_fonts(gui_sdl *b) {
    for (int i = 0; i < GUI_NFONT; i++) {
        if (b->font[i]) TTF_CloseFont(b->font[i]);
        b->font[i] = TTF_OpenFont(b->font_path, (int)(font_pt[i] * b->scale + 0.5f));
        if (!b->font[i]) { gl_seterr("cannot open font %s: %s", b->font_path, TTF_GetError()); return -1; }
        TTF_SetFontHinting(b->font[i], TTF_HINTING_LIGHT);
    }
    return 0;
}

static void text_cache_clear(gui_sdl *b, uint64_t older_than) {
    for (int i = 0; i < TEXT_BUCKETS; i++) {
        text_entry **pp = &b->text[i];
        while (*pp) {
            text_entry *e = *pp;
            if (e->used < older_than) { *pp = e->next; if (e->tex) SDL_DestroyTexture(e->tex); free(e); }
            else pp = &e->next;
        }
    }
}

// DPI scale = drawable pixels / window points; fonts follow it.
static void update_scale(gui_sdl *b) {
    if (!b->win) return;
    int ww, wh, pw, ph;
    SDL_GetWindowSize(b->win, &ww, &wh);
    SDL_GetRendererOutputSize(b->ren, &pw, &ph);
    float s = ww > 0 ? (float)pw / (float)ww : 1.0f;
    if (s < 0.5f) s = 1.0f;
    b->w = ww; b->h = wh;
    if (s != b->scale) {
        b->scale = s;
        SDL_RenderSetScale(b->ren, s, s);
        text_cache_clear(b, UINT64_MAX);
        open_fonts(b);
    }
}

// The offscreen and dummy drivers draw nowhere: a window on them would be a
// process a person cannot see.
static int drawless_driver(const char *d) { return d && (!strcmp(d, "offscreen") || !strcmp(d, "dummy") || !strcmp(d, "evdev")); }

static int open_window(gui_sdl *b, int w, int h) {
    const char *drv = SDL_getenv("SDL_VIDEODRIVER"), *x = SDL_getenv("DISPLAY"), *wl = SDL_getenv("WAYLAND_DISPLAY");
    if (drawless_driver(drv)) {
        gl_seterr("no display: SDL_VIDEODRIVER=%s draws nowhere; glimpse --screenshot OUT.png renders the app headless", drv);
        return -1;
    }
    if (!(drv && *drv) && !(x && *x) && !(wl && *wl)) {
        gl_seterr("no display found (DISPLAY and WAYLAND_DISPLAY are unset); glimpse --screenshot OUT.png renders the app headless");
        return -1;
    }
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        gl_seterr("cannot open a window on display '%s' (SDL: %s); glimpse --screenshot OUT.png renders the app headless",
                  x && *x ? x : wl && *wl ? wl : drv, SDL_GetError());
        return -1;
    }
    b->video_ok = 1;
    if (drawless_driver(SDL_GetCurrentVideoDriver())) {
        gl_seterr("no display found (SDL fell back to its %s driver); glimpse --screenshot OUT.png renders the app headless",
                  SDL_GetCurrentVideoDriver());
        return -1;
    }
    // The renderer: SDL's software one by default. The frames are small
    // (rects, text, a few images) and drawn only when something changes,
    // while a GL driver maps 60-70 MB into the process (Mesa's llvmpipe, or
    // a GPU driver with its LLVM). GLIMPSE_RENDERER=gpu picks the
    // accelerated one (with vsync).
    const char *rend = SDL_getenv("GLIMPSE_RENDERER");
    int gpu = rend && !strcmp(rend, "gpu");
    // ... and the software renderer's frame goes to X11 or Wayland as a
    // plain shared-memory image, not through a GL texture.
    if (!gpu) SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    // SDL recreates a window that lacks the flag its renderer needs (an
    // OpenGL window for the OpenGL renderer): ask for it at once, and show
    // the window only when its renderer exists, so it appears once.
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_HIDDEN;
    SDL_RendererInfo ri;
    const char *want = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    if (gpu && ((want && !strncmp(want, "opengl", 6)) || (!want && SDL_GetNumRenderDrivers() > 0 && SDL_GetRenderDriverInfo(0, &ri) == 0 && !strncmp(ri.name, "opengl", 6))))
        flags |= SDL_WINDOW_OPENGL;
    b->win = SDL_CreateWindow("glimpse", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!b->win && (flags & SDL_WINDOW_OPENGL)) b->win = SDL_CreateWindow("glimpse", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags & ~SDL_WINDOW_OPENGL);
    if (!b->win) { gl_seterr("SDL window: %s", SDL_GetError()); return -1; }
    SDL_SetWindowMinimumSize(b->win, GUI_MIN_W, GUI_MIN_H);
    b->ren = gpu ? SDL_CreateRenderer(b->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (!b->ren) b->ren = SDL_CreateRenderer(b->win, -1, SDL_RENDERER_SOFTWARE);
    if (!b->ren) { gl_seterr("SDL renderer: %s", SDL_GetError()); return -1; }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(b->ren, &info) == 0) b->vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) && !(info.flags & SDL_RENDERER_SOFTWARE);
    SDL_ShowWindow(b->win);
    b->visible = 1;
    return 0;
}

gui_sdl *gui_sdl_open(int w, int h, int headless) {
    gui_sdl *b = gl_calloc(1, sizeof *b);
    b->w = w; b->h = h; b->scale = 1.0f;
    if (gui_sdl_find_font(b->font_path, sizeof b->font_path) != 0) { free(b); return NULL; }
    if (headless) {
        // No display needed: the offscreen driver, and a software renderer
        // drawing into our own surface (works under the sanitizers too).
        SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "offscreen", SDL_HINT_OVERRIDE);
        b->video_ok = SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) == 0;
        if (!b->video_ok && SDL_InitSubSystem(SDL_INIT_EVENTS) != 0) {
            gl_seterr("SDL: %s", SDL_GetError()); free(b); return NULL;
        }
        b->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
        if (b->surface) b->ren = SDL_CreateSoftwareRenderer(b->surface);
        if (!b->ren) { gl_seterr("SDL software renderer: %s", SDL_GetError()); gui_sdl_close(b); return NULL; }
    } else {
        if (open_window(b, w, h) != 0) { gui_sdl_close(b); return NULL; }
    }
    SDL_SetRenderDrawBlendMode(b->ren, SDL_BLENDMODE_BLEND);
    if (TTF_Init() != 0) { gl_seterr("SDL_ttf: %s", TTF_GetError()); gui_sdl_close(b); return NULL; }
    b->ttf_ok = 1;
    float s = b->scale;
    b->scale = 0;   // forces update_scale/open_fonts
    if (b->win) update_scale(b);
    else { b->scale = s; if (open_fonts(b) != 0) { gui_sdl_close(b); return NULL; } }
    if (!b->font[0]) { gui_sdl_close(b); return NULL; }
    return b;
}

void gui_sdl_close(gui_sdl *b) {
    if (!b) return;
    text_cache_clear(b, UINT64_MAX);
    for (int i = 0; i < b->nimg; i++) if (b->img[i].tex) SDL_DestroyTexture(b->img[i].tex);
    free(b->img);
    for (int i = 0; i < GUI_NFONT; i++) if (b->font[i]) TTF_CloseFont(b->font[i]);
    if (b->ttf_ok) TTF_Quit();
    if (b->ren) SDL_DestroyRenderer(b->ren);
    if (b->surface) SDL_FreeSurface(b->surface);
    if (b->win) SDL_DestroyWindow(b->win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
    SDL_Quit();
    free(b);
}

static int map_key(SDL_Keycode k) {
    switch (k) {
    case SDLK_LEFT: return GUI_KEY_LEFT;
    case SDLK_RIGHT: return GUI_KEY_RIGHT;
    case SDLK_UP: return GUI_KEY_UP;
    case SDLK_DOWN: return GUI_KEY_DOWN;
    case SDLK_HOME: return GUI_KEY_HOME;
    case SDLK_END: return GUI_KEY_END;
    case SDLK_PAGEUP: return GUI_KEY_PAGEUP;
    case SDLK_PAGEDOWN: return GUI_KEY_PAGEDOWN;
    case SDLK_BACKSPACE: return GUI_KEY_BACKSPACE;
    case SDLK_DELETE: return GUI_KEY_DELETE;
    case SDLK_RETURN: case SDLK_KP_ENTER: return GUI_KEY_RETURN;
    case SDLK_ESCAPE: return GUI_KEY_ESCAPE;
    case SDLK_TAB: return GUI_KEY_TAB;
    case SDLK_SPACE: return GUI_KEY_SPACE;
    case SDLK_F1: return GUI_KEY_F1;
    case SDLK_KP_PLUS: return '+';
    case SDLK_KP_MINUS: return '-';
    default: return (k > 32 && k < 127) ? (int)k : GUI_KEY_NONE;
    }
}

int gui_sdl_poll(gui_sdl *b, gui_event *ev) {
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        memset(ev, 0, sizeof *ev);
        switch (e.type) {
        case SDL_QUIT: ev->type = GUI_EV_QUIT; return 1;
        case SDL_WINDOWEVENT:
            switch (e.window.event) {
            case SDL_WINDOWEVENT_SIZE_CHANGED:
                update_scale(b);
                ev->type = GUI_EV_RESIZE; ev->x = b->w; ev->y = b->h;
                return 1;
            case SDL_WINDOWEVENT_HIDDEN: case SDL_WINDOWEVENT_MINIMIZED: b->visible = 0; break;
            case SDL_WINDOWEVENT_SHOWN: case SDL_WINDOWEVENT_RESTORED: case SDL_WINDOWEVENT_MAXIMIZED:
            case SDL_WINDOWEVENT_EXPOSED:
                b->visible = 1;
                ev->type = GUI_EV_EXPOSE;
                return 1;
            default: break;
            }
            break;
        case SDL_MOUSEMOTION: ev->type = GUI_EV_MOVE; ev->x = e.motion.x; ev->y = e.motion.y; return 1;
        case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP:
            ev->type = e.type == SDL_MOUSEBUTTONDOWN ? GUI_EV_DOWN : GUI_EV_UP;
            ev->x = e.button.x; ev->y = e.button.y;
            ev->button = e.button.button == SDL_BUTTON_LEFT ? 1 : e.button.button == SDL_BUTTON_MIDDLE ? 2 : 3;
            return 1;
        case SDL_MOUSEWHEEL: ev->type = GUI_EV_WHEEL; ev->wheel = e.wheel.preciseY; return 1;
        case SDL_KEYDOWN: {
            int k = map_key(e.key.keysym.sym);
            if (!k) break;
            SDL_Keymod m = e.key.keysym.mod;
            ev->type = GUI_EV_KEY; ev->key = k;
            ev->mods = ((m & KMOD_SHIFT) ? GUI_MOD_SHIFT : 0) | ((m & KMOD_CTRL) ? GUI_MOD_CTRL : 0) | ((m & KMOD_ALT) ? GUI_MOD_ALT : 0);
            if (k == '=' && (m & KMOD_SHIFT)) ev->key = '+';
            return 1;
        }
        case SDL_TEXTINPUT:
            ev->type = GUI_EV_TEXT;
            snprintf(ev->text, sizeof ev->text, "%s", e.text.text);
            return 1;
        default: break;
        }
    }
    return 0;
}

static text_entry *text_get(gui_sdl *b, int font, const char *s) {
    uint32_t h = 2166136261u ^ (uint32_t)font;
    for (const char *p = s; *p; p++) { h ^= (unsigned char)*p; h *= 16777619u; }
    text_entry **bucket = &b->text[h % TEXT_BUCKETS];
    for (text_entry *e = *bucket; e; e = e->next)
        if (e->hash == h && e->font == font && !strcmp(e->s, s)) { e->used = b->frame; return e; }
    size_t n = strlen(s);
    text_entry *e = gl_calloc(1, sizeof *e + n + 1);
    memcpy(e->s, s, n + 1);
    e->hash = h; e->font = font; e->used = b->frame;
    SDL_Color white = { 255, 255, 255, 255 };
    SDL_Surface *surf = TTF_RenderUTF8_Blended(b->font[font], s, white);
    if (surf) {
        e->tex = SDL_CreateTextureFromSurface(b->ren, surf);
        e->w = surf->w; e->h = surf->h;
        SDL_FreeSurface(surf);
    }
    e->next = *bucket;
    *bucket = e;
    return e;
}

int gui_sdl_text_width(void *p, int font, const char *s) {
    gui_sdl *b = p;
    int w = 0, h = 0;
    if (!s || !*s || TTF_SizeUTF8(b->font[font], s, &w, &h) != 0) return 0;
    return (int)(w / b->scale + 0.5f);
}

void gui_sdl_line_heights(gui_sdl *b, int out[GUI_NFONT]) {
    for (int i = 0; i < GUI_NFONT; i++) out[i] = (int)(TTF_FontHeight(b->font[i]) / b->scale + 0.5f);
}
void gui_sdl_size(gui_sdl *b, int *w, int *h) { *w = b->w; *h = b->h; }
int gui_sdl_visible(gui_sdl *b) { return b->win ? b->visible : 1; }
void gui_sdl_hide(gui_sdl *b) { if (b && b->win) { SDL_HideWindow(b->win); b->visible = 0; SDL_PumpEvents(); } }

int gui_sdl_wait(gui_sdl *b, double seconds) {
    (void)b;
    int ms = seconds < 0 ? -1 : (int)(seconds * 1000 + 0.999);
    // Peeks without taking the event: gui_sdl_poll translates it.
    return ms < 0 ? SDL_WaitEvent(NULL) : SDL_WaitEventTimeout(NULL, ms);
}

char *gui_sdl_clip_get(void *p) {
    (void)p;
    if (!SDL_HasClipboardText()) return NULL;
    char *s = SDL_GetClipboardText();
    if (!s) return NULL;
    char *out = gl_malloc(strlen(s) + 1);
    strcpy(out, s);
    SDL_free(s);
    return out;
}
void gui_sdl_clip_set(void *p, const char *s) { (void)p; SDL_SetClipboardText(s); }
int gui_sdl_vsync(gui_sdl *b) { return b->vsync; }
const char *gui_sdl_font_path(gui_sdl *b) { return b->font_path; }

static void draw_thick_line(SDL_Renderer *r, const gui_cmd *c) {
    float dx = c->x1 - c->x0, dy = c->y1 - c->y0, len = SDL_sqrtf(dx * dx + dy * dy);
    if (len < 1e-3f) return;
    float nx = -dy / len * c->width / 2, ny = dx / len * c->width / 2;
    SDL_Color col = { c->c.r, c->c.g, c->c.b, c->c.a };
    SDL_Vertex v[4] = {
        { { c->x0 + nx, c->y0 + ny }, col, { 0, 0 } }, { { c->x1 + nx, c->y1 + ny }, col, { 0, 0 } },
        { { c->x1 - nx, c->y1 - ny }, col, { 0, 0 } }, { { c->x0 - nx, c->y0 - ny }, col, { 0, 0 } },
    };
    int idx[6] = { 0, 1, 2, 0, 2, 3 };
    SDL_RenderGeometry(r, NULL, v, 4, idx, 6);
}

void gui_sdl_render(gui_sdl *b, const gui_ctx *ui) {
    SDL_Renderer *r = b->ren;
    SDL_RenderSetClipRect(r, NULL);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    int nimg = 0;
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        SDL_Rect rr = { c->r.x, c->r.y, c->r.w, c->r.h };
        switch (c->type) {
        case GUI_CMD_RECT:
            // Opaque fills skip blending: the software renderer would blend
            // every pixel of a window-sized background otherwise.
            SDL_SetRenderDrawBlendMode(r, c->c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(r, c->c.r, c->c.g, c->c.b, c->c.a);
            SDL_RenderFillRect(r, &rr);
            break;
        case GUI_CMD_FRAME:
            SDL_SetRenderDrawBlendMode(r, c->c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(r, c->c.r, c->c.g, c->c.b, c->c.a);
            SDL_RenderDrawRect(r, &rr);
            break;
        case GUI_CMD_LINE:
            SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
            if (c->width <= 1.5f) {
                SDL_SetRenderDrawColor(r, c->c.r, c->c.g, c->c.b, c->c.a);
                SDL_RenderDrawLineF(r, c->x0, c->y0, c->x1, c->y1);
            } else draw_thick_line(r, c);
            break;
        case GUI_CMD_TEXT: {
            text_entry *e = text_get(b, c->font, gui_cmd_text(ui, c));
            if (!e->tex) break;
            SDL_SetTextureColorMod(e->tex, c->c.r, c->c.g, c->c.b);
            SDL_SetTextureAlphaMod(e->tex, c->c.a);
            SDL_FRect d = { (float)c->r.x, (float)c->r.y, e->w / b->scale, e->h / b->scale };
            SDL_RenderCopyF(r, e->tex, NULL, &d);
            break;
        }
        case GUI_CMD_IMAGE: {
            if (nimg == b->nimg) {
                b->img = realloc(b->img, (size_t)(b->nimg + 16) * sizeof *b->img);
                if (!b->img) abort();
                memset(b->img + b->nimg, 0, 16 * sizeof *b->img);
                b->nimg += 16;
            }
            image_slot *s = &b->img[nimg++];
            if (!s->tex || s->w != c->iw || s->h != c->ih) {
                if (s->tex) SDL_DestroyTexture(s->tex);
                s->tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING, c->iw, c->ih);
                s->w = c->iw; s->h = c->ih;
                // Nearest sampling: a 28x28 digit must stay 28x28 pixels when shown large.
                if (s->tex) SDL_SetTextureScaleMode(s->tex, SDL_ScaleModeNearest);
            }
            if (!s->tex) break;
            SDL_UpdateTexture(s->tex, NULL, gui_cmd_pixels(ui, c), c->iw * 3);
            SDL_RenderCopy(r, s->tex, NULL, &rr);
            break;
        }
        case GUI_CMD_CLIP:
            SDL_RenderSetClipRect(r, c->r.w > 0 ? &rr : NULL);
            break;
        }
    }
    SDL_RenderPresent(r);
    // Strings unused for a few seconds are dropped, so the cache stays small
    // while numbers on screen keep changing.
    if (b->frame % 120 == 0) text_cache_clear(b, b->frame > 240 ? b->frame - 240 : 0);
    b->frame++;
}

int gui_sdl_read(gui_sdl *b, gl_image *out) {
    int pw, ph;
    if (SDL_GetRendererOutputSize(b->ren, &pw, &ph) != 0) { gl_seterr("SDL: %s", SDL_GetError()); return -1; }
    *out = gl_image_new(pw, ph, 0, 0, 0);
    // The software renderer reads straight from its surface; a window
    // renderer reads back the frame it just drew.
    SDL_RenderSetClipRect(b->ren, NULL);
    if (SDL_RenderReadPixels(b->ren, NULL, SDL_PIXELFORMAT_RGB24, out->px, pw * 3) != 0) {
        gl_seterr("cannot read the frame back: %s", SDL_GetError());
        gl_image_free(out);
        return -1;
    }
    return 0;
}
