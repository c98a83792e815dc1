// view_synthesis: the Synthesis view's state, shared by its files: the view
// (view_synthesis.c: input, the page's requests, the controls, the probes)
// and its drawing (view_synthesis_draw.c: the paper and the page on it, the
// line's text, the timeline, the alignment figure, the window's mixture).
#ifndef VIEW_SYNTHESIS_H
#define VIEW_SYNTHESIS_H
#include "view.h"
#include "style_file.h"
#include "view_synthesis_page.h"
#include "gl_hw.h"
#include "hw_futures.h"

#define SYN_WEIGHTS "handwriting-synth.safetensors"
#define SYN_STYLES "handwriting/styles"   // the presets (style files), beside the weights
#define SYN_TEXT_MAX 2000
#define NSTYLE_MAX (2 * APP_STYLE_PRESETS_MAX + 2)   // plain, the presets, one's own saved styles, mine
#define MINE_MAX 2000
#define ITEMS_MAX 8                       // look-alike notes remembered from typing

// ---- view state ----------------------------------------------------------------------
typedef struct {
    gl_hw_model *m;
    int have_model;
    char model_err[200];
    char text[SYN_TEXT_MAX + 1], last_text[SYN_TEXT_MAX + 1];
    // what the text became for the model, and the lasting notes about it:
    // text_err (nothing written: a character it cannot write), text_info
    // (look-alikes replaced). The field replaces look-alikes as they are
    // typed; items[] remembers which ("… as '...'") and what they became, and
    // a note names those the text still holds.
    char prepared[SYN_TEXT_MAX + 1];
    char text_err[512], text_info[256];
    char item[ITEMS_MAX][48], item_to[ITEMS_MAX][8]; int nitems;
    float bias, speed, width;      // speed: characters per second
    uint64_t seed;
    int style, colour, instant;
    // styles: 0 plain, 1..np the presets, np+1..np+nu one's own saved, then mine
    app_style_presets presets, user;
    app_style_ref ref;              // the model's own writing (the presets): checks of one's own hand
    int nstyle, style_mine, style_seen;
    const char *style_labels[NSTYLE_MAX];
    char name_buf[APP_STYLE_NAME_MAX + 1];
    float mine_height, mine_step, core;   // the person's line is scaled to the model's own writing
    // the page on the paper and what it was asked for
    syn_page page;
    uint64_t version, submitted, trace_version;
    char shown_text[SYN_TEXT_MAX + 1];    // the text of the page (as prepared)
    // the line the current point is on, and per-point copies of its window
    int cur_line;
    gl_trace *trace;               // that line's trace (the page holds the reference)
    char full[2 * GL_HW_MAXU + 2]; // the characters its window runs over (primer + ' ' + line)
    int U, K, M;
    int ncache, cache_cap;
    float *ax, *ay, *phi, *kappa, *alpha;
    uint8_t *up;
    float phi_max;
    double pos;                    // display position in the page's points: [0, pos] are drawn
    int playing, want_focus;
    int scroll, follow;            // the paper's scroll (points); it follows the pen until the wheel moves it
    // "mine": the person's own line, drawn on the paper while recording
    int recording, pen_down;
    float *mine; int nmine;        // raw offsets (dx, dy, eos)
    float rec_x[MINE_MAX], rec_y[MINE_MAX]; uint8_t rec_up[MINE_MAX]; int nrec;
    char mine_text[APP_STYLE_TEXT_MAX + 1];
    char mine_refused[300];        // why the last line of one's own could not serve
    // layout of the last frame
    gui_rect paper, fig, mix;
    int fig_caption_bottom, mix_bottom;
    uint8_t *figpx; size_t figpx_cap;
    uint64_t failures_seen;
    uint64_t use_seen;             // app->use_seq[GUI_USE_SYNTH] taken
    char weights[80];              // the weights in use, as the status names them (hw_weights_said)
    // possible futures from the point shown (F): on a worker of their own (hw_futures.h)
    hw_fut *fut;
    int fut_on;
    float fut_n, fut_bias;
    uint64_t fut_seed;
    int fut_nprime;                // the primer's points in the last request (the probe's)
    uint64_t fut_last_key; int fut_last_n; hw_fut_params fut_last_p;   // the last request handed over
} syn_view;

// Helpers of view_synthesis.c the drawing uses.
int syn_blank(const char *s);                      // only spaces, tabs and newlines
int syn_local_step(const syn_view *v, int s);      // the page's point s as a point of the line shown
int syn_char_at(const syn_view *v, int s);         // the character the window is on at the line's point s
void syn_set_pos(syn_view *v, double p);           // the point shown, within the page
const hw_fut_set *syn_fut_shown(syn_view *v);      // the futures of the line shown, or NULL

// view_synthesis_draw.c
void syn_draw_paper(syn_view *v, gui_ctx *ui, gui_rect r, int step);
void syn_draw_text_line(syn_view *v, gui_ctx *ui, gui_rect r, int cur);
void syn_draw_timeline(syn_view *v, gui_ctx *ui, gui_rect r, int step);
void syn_draw_figure(syn_view *v, gui_ctx *ui, gui_rect r, int step);
void syn_draw_mixture(syn_view *v, gui_ctx *ui, gui_rect r, int step);
#endif
