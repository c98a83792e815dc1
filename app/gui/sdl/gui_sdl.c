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
    // Damage tracking (software renderers, whose target keeps its pixels
    // between frames): the window is cut into tiles, each with a hash of the
    // commands that touch it; only tiles whose hash changed are drawn again.
    int damage;               // on for this renderer
    int full;                 // the next frame is drawn whole (first frame, resize, expose)
    int tw, th;               // tiles across and down
    uint64_t *tile_prev, *tile_cur;
    uint8_t *tile_dirty;
    gui_rect *bbox;           // per command: the pixels it can touch (clipped); w = 0: none
    int *slot;                // per command: its image slot
    int nbbox;
    int out_w, out_h;         // renderer output size the tiles were made for
    long drawn_tiles, frames_drawn;   // for bench numbers
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
            (strstr((const char *)file, ".ttf") || strstr((const char *)file, ".otf") ||
             strstr((const char *)file, ".TTF"));
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
static int drawless_driver(const char *d) {
    return d && (!strcmp(d, "offscreen") || !strcmp(d, "dummy") || !strcmp(d, "evdev"));
}

static int open_window(gui_sdl *b, int w, int h) {
    const char *drv = SDL_getenv("SDL_VIDEODRIVER"), *x = SDL_getenv("DISPLAY"), *wl = SDL_getenv("WAYLAND_DISPLAY");
    if (drawless_driver(drv)) {
        gl_seterr("no display: SDL_VIDEODRIVER=%s draws nowhere; glimpse --screenshot OUT.png renders the app headless",
                  drv);
        return -1;
    }
    if (!(drv && *drv) && !(x && *x) && !(wl && *wl)) {
        gl_seterr("no display found (DISPLAY and WAYLAND_DISPLAY are unset); glimpse --screenshot OUT.png renders the "
                  "app headless");
        return -1;
    }
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        const char *where = x && *x ? x : wl && *wl ? wl : drv;
        gl_seterr("cannot open a window on display '%s' (SDL: %s); glimpse --screenshot OUT.png renders the app "
                  "headless", where, SDL_GetError());
        return -1;
    }
    b->video_ok = 1;
    if (drawless_driver(SDL_GetCurrentVideoDriver())) {
        // a DISPLAY (or WAYLAND_DISPLAY) that nothing answers on: name it
        const char *where = x && *x ? x : wl && *wl ? wl : "";
        gl_seterr("no display found%s%s%s (SDL fell back to its %s driver); glimpse --screenshot OUT.png renders the "
                  "app headless", *where ? " at '" : "", where, *where ? "'" : "", SDL_GetCurrentVideoDriver());
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
    if (gpu &&
        ((want && !strncmp(want, "opengl", 6)) ||
         (!want && SDL_GetNumRenderDrivers() > 0 && SDL_GetRenderDriverInfo(0, &ri) == 0 &&
          !strncmp(ri.name, "opengl", 6))))
        flags |= SDL_WINDOW_OPENGL;
    b->win = SDL_CreateWindow("glimpse", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!b->win && (flags & SDL_WINDOW_OPENGL))
        b->win = SDL_CreateWindow("glimpse", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                  flags & ~SDL_WINDOW_OPENGL);
    if (!b->win) { gl_seterr("SDL window: %s", SDL_GetError()); return -1; }
    SDL_SetWindowMinimumSize(b->win, GUI_MIN_W, GUI_MIN_H);
    b->ren = gpu ? SDL_CreateRenderer(b->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (!b->ren) b->ren = SDL_CreateRenderer(b->win, -1, SDL_RENDERER_SOFTWARE);
    if (!b->ren) { gl_seterr("SDL renderer: %s", SDL_GetError()); return -1; }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(b->ren, &info) == 0)
        b->vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) && !(info.flags & SDL_RENDERER_SOFTWARE);
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
    SDL_RendererInfo ri;
    b->damage = SDL_GetRendererInfo(b->ren, &ri) == 0 && (ri.flags & SDL_RENDERER_SOFTWARE) &&
        !SDL_getenv("GLIMPSE_FULL_REDRAW");
    b->full = 1;
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
    free(b->tile_prev); free(b->tile_cur); free(b->tile_dirty); free(b->bbox); free(b->slot);
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
                b->full = 1;
                ev->type = GUI_EV_RESIZE; ev->x = b->w; ev->y = b->h;
                return 1;
            case SDL_WINDOWEVENT_HIDDEN: case SDL_WINDOWEVENT_MINIMIZED: b->visible = 0; break;
            case SDL_WINDOWEVENT_SHOWN: case SDL_WINDOWEVENT_RESTORED: case SDL_WINDOWEVENT_MAXIMIZED:
            case SDL_WINDOWEVENT_EXPOSED:
                b->visible = 1;
                b->full = 1;
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
            ev->mods = ((m & KMOD_SHIFT) ? GUI_MOD_SHIFT : 0) | ((m & KMOD_CTRL) ? GUI_MOD_CTRL : 0) |
                ((m & KMOD_ALT) ? GUI_MOD_ALT : 0);
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

// ---- damage tracking --------------------------------------------------------------
#define TILE 32   // points

static gui_rect rect_and(gui_rect a, gui_rect b) {
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w, y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    if (x1 <= x0 || y1 <= y0) return (gui_rect){ 0, 0, 0, 0 };
    return (gui_rect){ x0, y0, x1 - x0, y1 - y0 };
}

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 31);
}
static uint64_t mix_bytes(uint64_t h, const void *p, size_t n) {
    const uint8_t *s = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) { uint64_t v; memcpy(&v, s + i, 8); h = mix(h, v); }
    uint64_t v = 0;
    memcpy(&v, s + i, n - i);
    return mix(h, v ^ n);
}
static uint64_t bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

// The pixels a command can touch, within the clip in force, and its hash.
static gui_rect cmd_extent(gui_sdl *b, const gui_ctx *ui, const gui_cmd *c, gui_rect clip, uint64_t *hash) {
    gui_rect e = c->r;
    uint64_t h = mix(mix((uint64_t)c->type, ((uint64_t)(uint32_t)c->r.x << 32) | (uint32_t)c->r.y),
                     ((uint64_t)(uint32_t)c->r.w << 32) | (uint32_t)c->r.h);
    h = mix(h, ((uint64_t)c->c.r << 24) | ((uint64_t)c->c.g << 16) | ((uint64_t)c->c.b << 8) | c->c.a);
    switch (c->type) {
    case GUI_CMD_LINE: {
        float m = c->width / 2 + 2;
        float x0 = c->x0 < c->x1 ? c->x0 : c->x1, x1 = c->x0 < c->x1 ? c->x1 : c->x0;
        float y0 = c->y0 < c->y1 ? c->y0 : c->y1, y1 = c->y0 < c->y1 ? c->y1 : c->y0;
        e = gui_r((int)SDL_floorf(x0 - m), (int)SDL_floorf(y0 - m), (int)SDL_ceilf(x1 - x0 + 2 * m) + 1,
                  (int)SDL_ceilf(y1 - y0 + 2 * m) + 1);
        h = mix(mix(h, bits(c->x0) << 32 | bits(c->y0)), bits(c->x1) << 32 | bits(c->y1));
        h = mix(h, bits(c->width));
        break;
    }
    case GUI_CMD_TEXT: {
        const char *s = gui_cmd_text(ui, c);
        text_entry *t = text_get(b, c->font, s);
        e = gui_r(c->r.x, c->r.y, (int)SDL_ceilf(t->w / b->scale) + 1, (int)SDL_ceilf(t->h / b->scale) + 1);
        h = mix_bytes(mix(h, (uint64_t)c->font), s, strlen(s));
        break;
    }
    case GUI_CMD_IMAGE:
        h = mix_bytes(mix(h, ((uint64_t)(uint32_t)c->iw << 32) | (uint32_t)c->ih), gui_cmd_pixels(ui, c),
                      (size_t)c->iw * c->ih * 3);
        break;
    case GUI_CMD_FRAME: case GUI_CMD_RECT: break;
    case GUI_CMD_CLIP: return (gui_rect){ 0, 0, 0, 0 };
    }
    e = rect_and(e, clip);
    *hash = mix(h,
                ((uint64_t)(uint32_t)e.x << 48) ^ ((uint64_t)(uint32_t)e.y << 32) ^ ((uint64_t)(uint32_t)e.w << 16) ^
                    (uint32_t)e.h);
    return e;
}

// A one-pixel line as points (a DDA): SDL's line drawing cuts the line to
// the clip rect first and rasterises what is left, which moves pixels when
// the clip differs (two damaged areas, one line); points are each kept or
// dropped alone.
static void draw_thin_line(SDL_Renderer *r, const gui_cmd *c) {
    enum { CAP = 512 };
    SDL_Point pts[CAP];
    float dx = c->x1 - c->x0, dy = c->y1 - c->y0;
    int n = (int)SDL_ceilf(SDL_fabsf(dx) > SDL_fabsf(dy) ? SDL_fabsf(dx) : SDL_fabsf(dy));
    if (n > 100000) n = 100000;
    int k = 0;
    for (int i = 0; i <= n; i++) {
        float t = n ? (float)i / (float)n : 0;
        pts[k].x = (int)SDL_floorf(c->x0 + t * dx + 0.5f);
        pts[k].y = (int)SDL_floorf(c->y0 + t * dy + 0.5f);
        if (k > 0 && pts[k].x == pts[k - 1].x && pts[k].y == pts[k - 1].y) continue;
        if (++k == CAP) { SDL_RenderDrawPoints(r, pts, k); k = 0; }
    }
    if (k) SDL_RenderDrawPoints(r, pts, k);
}

static void draw_cmd(gui_sdl *b, const gui_ctx *ui, const gui_cmd *c, int slot, uint8_t *uploaded) {
    SDL_Renderer *r = b->ren;
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
            draw_thin_line(r, c);
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
        // Scaled here (nearest), not by SDL: SDL's scaled copy samples the
        // source from where its clip cuts the destination, so the same image
        // drawn in two parts (two damaged areas) would not meet exactly.
        image_slot *s = &b->img[slot];
        int dw = c->r.w, dh = c->r.h;
        if (dw <= 0 || dh <= 0 || (long)dw * dh > 4096L * 4096) break;
        if (!s->tex || s->w != dw || s->h != dh) {
            if (s->tex) SDL_DestroyTexture(s->tex);
            s->tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING, dw, dh);
            s->w = dw; s->h = dh;
            if (s->tex) SDL_SetTextureScaleMode(s->tex, SDL_ScaleModeNearest);
            uploaded[slot] = 0;
        }
        if (!s->tex) break;
        if (!uploaded[slot]) {
            const uint8_t *src = gui_cmd_pixels(ui, c);
            if (dw == c->iw && dh == c->ih) SDL_UpdateTexture(s->tex, NULL, src, c->iw * 3);
            else {
                void *dst;
                int pitch;
                if (SDL_LockTexture(s->tex, NULL, &dst, &pitch) != 0) break;
                for (int y = 0; y < dh; y++) {
                    const uint8_t *row = src + (size_t)((long)y * c->ih / dh) * c->iw * 3;
                    uint8_t *o = (uint8_t *)dst + (size_t)y * pitch;
                    for (int x = 0; x < dw; x++) memcpy(o + x * 3, row + (size_t)((long)x * c->iw / dw) * 3, 3);
                }
                SDL_UnlockTexture(s->tex);
            }
            uploaded[slot] = 1;
        }
        SDL_RenderCopy(r, s->tex, NULL, &rr);
        break;
    }
    case GUI_CMD_CLIP: break;
    }
}

// Draws the commands that touch area (everything when area is NULL): the
// area is cleared first and every clip is cut to it.
static void draw_area(gui_sdl *b, const gui_ctx *ui, const gui_rect *area, uint8_t *uploaded) {
    SDL_Renderer *r = b->ren;
    gui_rect all = gui_r(0, 0, b->w, b->h), A = area ? *area : all, clip = all;
    SDL_Rect ar = { A.x, A.y, A.w, A.h };
    SDL_RenderSetClipRect(r, &ar);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderFillRect(r, &ar);
    gui_rect set = A;   // the clip rect SDL holds
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        if (c->type == GUI_CMD_CLIP) { clip = c->r.w > 0 ? rect_and(c->r, all) : all; continue; }
        gui_rect e = b->bbox[i];
        if (e.w <= 0 || rect_and(e, A).w <= 0) continue;
        gui_rect want = rect_and(clip, A);
        if (want.x != set.x || want.y != set.y || want.w != set.w || want.h != set.h) {
            SDL_Rect wr = { want.x, want.y, want.w, want.h };
            SDL_RenderSetClipRect(r, &wr);
            set = want;
        }
        draw_cmd(b, ui, c, b->slot[i], uploaded);
    }
}

// Per command: its extent on screen (b->bbox), its hash mixed into the
// tiles it touches (b->tile_cur), its image slot (b->slot); the image count.
static int hash_tiles(gui_sdl *b, const gui_ctx *ui) {
    if (b->nbbox < ui->ncmd) {
        b->nbbox = ui->ncmd + 256;
        b->bbox = realloc(b->bbox, (size_t)b->nbbox * sizeof *b->bbox);
        b->slot = realloc(b->slot, (size_t)b->nbbox * sizeof *b->slot);
        if (!b->bbox || !b->slot) abort();
    }
    int pw = 0, ph = 0;
    SDL_GetRendererOutputSize(b->ren, &pw, &ph);
    int tw = (b->w + TILE - 1) / TILE, th = (b->h + TILE - 1) / TILE;
    if (tw != b->tw || th != b->th || pw != b->out_w || ph != b->out_h || !b->tile_prev) {
        free(b->tile_prev); free(b->tile_cur); free(b->tile_dirty);
        b->tw = tw; b->th = th; b->out_w = pw; b->out_h = ph;
        b->tile_prev = gl_calloc((size_t)tw * th + 1, sizeof(uint64_t));
        b->tile_cur = gl_calloc((size_t)tw * th + 1, sizeof(uint64_t));
        b->tile_dirty = gl_calloc((size_t)tw * th + 1, 1);
        b->full = 1;
    }
    for (int t = 0; t < tw * th; t++) b->tile_cur[t] = 0x51ed270b27ULL + (uint64_t)t;
    gui_rect all = gui_r(0, 0, b->w, b->h), clip = all;
    int nimg = 0;
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        b->slot[i] = -1;
        if (c->type == GUI_CMD_CLIP) {
            clip = c->r.w > 0 ? rect_and(c->r, all) : all;
            b->bbox[i] = (gui_rect){ 0, 0, 0, 0 };
            continue;
        }
        if (c->type == GUI_CMD_IMAGE) b->slot[i] = nimg++;
        uint64_t h = 0;
        gui_rect e = b->bbox[i] = cmd_extent(b, ui, c, clip, &h);
        if (e.w <= 0) continue;
        int tx0 = e.x / TILE, ty0 = e.y / TILE, tx1 = (e.x + e.w - 1) / TILE, ty1 = (e.y + e.h - 1) / TILE;
        for (int ty = ty0; ty <= ty1 && ty < th; ty++)
            for (int tx = tx0; tx <= tx1 && tx < tw; tx++)
                b->tile_cur[ty * tw + tx] = mix(b->tile_cur[ty * tw + tx], h);
    }
    if (nimg > b->nimg) {
        int n = nimg + 16;
        b->img = realloc(b->img, (size_t)n * sizeof *b->img);
        if (!b->img) abort();
        memset(b->img + b->nimg, 0, (size_t)(n - b->nimg) * sizeof *b->img);
        b->nimg = n;
    }
    return nimg;
}

// The tiles whose hash changed since the last frame, drawn as runs along
// each tile row merged down the rows they repeat in.
static void draw_dirty(gui_sdl *b, const gui_ctx *ui, uint8_t *uploaded) {
    int tw = b->tw, th = b->th, any = 0;
    gui_rect all = gui_r(0, 0, b->w, b->h);
    for (int t = 0; t < tw * th; t++) {
        b->tile_dirty[t] = b->tile_cur[t] != b->tile_prev[t];
        any |= b->tile_dirty[t];
    }
    for (int ty = 0; any && ty < th; ty++)
        for (int tx = 0; tx < tw;) {
            if (!b->tile_dirty[ty * tw + tx]) { tx++; continue; }
            int x1 = tx;
            while (x1 < tw && b->tile_dirty[ty * tw + x1]) x1++;
            int y1 = ty + 1;
            for (;; y1++) {
                if (y1 >= th) break;
                int same = 1;
                for (int k = tx; k < x1 && same; k++) same = b->tile_dirty[y1 * tw + k];
                if (!same) break;
                for (int k = tx; k < x1; k++) b->tile_dirty[y1 * tw + k] = 0;
            }
            gui_rect a = rect_and(gui_r(tx * TILE, ty * TILE, (x1 - tx) * TILE, (y1 - ty) * TILE), all);
            draw_area(b, ui, &a, uploaded);
            b->drawn_tiles += (long)(x1 - tx) * (y1 - ty);
            tx = x1;
        }
}

void gui_sdl_render(gui_sdl *b, const gui_ctx *ui) {
    int nimg = hash_tiles(b, ui);
    uint8_t up_stack[256], *uploaded = nimg <= 256 ? up_stack : gl_calloc((size_t)nimg, 1);
    memset(uploaded, 0, nimg <= 256 ? sizeof up_stack : 0);
    if (!b->damage || b->full || b->scale != 1.0f) {
        draw_area(b, ui, NULL, uploaded);
        b->drawn_tiles += (long)b->tw * b->th;
        b->full = 0;
    } else draw_dirty(b, ui, uploaded);
    if (uploaded != up_stack) free(uploaded);
    uint64_t *sw = b->tile_prev; b->tile_prev = b->tile_cur; b->tile_cur = sw;
    b->frames_drawn++;
    SDL_RenderSetClipRect(b->ren, NULL);
    SDL_RenderPresent(b->ren);
    // Strings unused for a few seconds are dropped, so the cache stays small
    // while numbers on screen keep changing.
    if (b->frame % 120 == 0) text_cache_clear(b, b->frame > 240 ? b->frame - 240 : 0);
    b->frame++;
}

double gui_sdl_drawn_share(gui_sdl *b) {
    return b->frames_drawn > 0 && b->tw > 0 && b->th > 0
        ? (double)b->drawn_tiles / ((double)b->frames_drawn * b->tw * b->th)
        : 1;
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
