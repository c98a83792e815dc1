// gui_sdl: the SDL2 backend; with gui_figtext.c (SDL_ttf labels of exported
// figures) the only code that calls SDL, both in app/gui/sdl/. It opens a window
// (resizable, HiDPI-aware, vsync) or, headless, a software renderer drawing
// into a memory surface with SDL's offscreen video driver; turns SDL events
// into gui_event; renders a gui_ctx command list; reads the frame back.
#ifndef GUI_SDL_H
#define GUI_SDL_H
#include "gl_image.h"
#include "gui.h"

typedef struct gui_sdl gui_sdl;

// w, h in points. NULL with gl_err() (no font, no video, ...).
gui_sdl *gui_sdl_open(int w, int h, int headless);
void gui_sdl_close(gui_sdl *b);
// Next pending event, translated; 0 when none is left.
int gui_sdl_poll(gui_sdl *b, gui_event *ev);
// Renders the frame's commands and presents (waits for vsync in a window).
void gui_sdl_render(gui_sdl *b, const gui_ctx *ui);
// The last rendered frame as an RGB image (caller frees).
int gui_sdl_read(gui_sdl *b, gl_image *out);
// A software renderer draws again only the parts of the window whose
// commands changed since the last frame (32-point tiles); the share of the
// window drawn per frame so far (1: every frame whole). GLIMPSE_FULL_REDRAW
// set: every frame whole.
double gui_sdl_drawn_share(gui_sdl *b);
// For gui_init: text width in points, and line heights.
int gui_sdl_text_width(void *b, int font, const char *s);
void gui_sdl_line_heights(gui_sdl *b, int out[GUI_NFONT]);
void gui_sdl_size(gui_sdl *b, int *w, int *h);
// The window is shown and not minimised (always 1 headless).
int gui_sdl_visible(gui_sdl *b);
void gui_sdl_hide(gui_sdl *b);
// Sleeps until an event is pending or seconds pass (< 0: no limit); 1 if one is.
int gui_sdl_wait(gui_sdl *b, double seconds);
// The system clipboard (gui_ctx clip_get / clip_set).
char *gui_sdl_clip_get(void *b);
void gui_sdl_clip_set(void *b, const char *s);
int gui_sdl_vsync(gui_sdl *b);
// A sans-serif TrueType font (fontconfig, or $GLIMPSE_FONT). -1 with gl_err().
int gui_sdl_find_font(char *out, size_t n);
// Exported figures' labels (gl_image_text) in that font (gui_figtext.c).
void gui_figtext_install(void);
void gui_figtext_close(void);
// Path of the font in use (found with fontconfig, or $GLIMPSE_FONT).
const char *gui_sdl_font_path(gui_sdl *b);
#endif
