// view_synthesis_page: the Synthesis view's page. The engine job writes the
// lines of a page one after another in one hand (gl_hw_page_write: each line
// primed with the line before it, a line not written whole written again);
// every try of every line gets a trace of its own, which the view reads as
// it fills. syn_page is the page as the view holds it: the newest try of each
// line and its pen positions, copied as frames arrive.
#ifndef VIEW_SYNTHESIS_PAGE_H
#define VIEW_SYNTHESIS_PAGE_H
#include "gl_engine.h"
#include "gl_hw.h"
#include <stdint.h>

typedef struct syn_feed syn_feed;   // shared by the engine's job and the view

typedef struct {
    const float *prime; int nprime; const char *prime_text;   // the first line's primer (raw offsets), or none
    float bias;
    uint64_t seed;
} syn_page_opts;
// Hands the engine a job writing lines[0..n) (copied; "" is a gap) with the
// model m (used by the engine thread only). Returns the feed (the caller's
// reference: syn_page_init takes it).
syn_feed *syn_page_submit(gl_engine *e, gl_hw_model *m, char **lines, int n, const syn_page_opts *o);

typedef struct {
    gl_trace *tr;              // the newest try (a reference), NULL before the line begins
    int tries, count;          // tries so far; frames copied
    float *x, *y; uint8_t *up; int cap;   // pen positions after each point (raw units, the line's own origin)
    float mid, x0, x1;         // median height, horizontal extent of the points so far
    char *full;                // the characters the window runs over: primer's text, ' ', the line
    int U;
} syn_line;

typedef struct {
    syn_feed *feed;
    int n;                     // lines
    char **text;               // each line's text ("": a gap)
    syn_line *line;
    int *start;                // each line's first point in the page's count
    int total;                 // points of the page so far
    int done;                  // the job is over: every line is as it stays
    int failed, retried;       // when done: lines that did not end in any try; lines that took more than one
} syn_page;

void syn_page_init(syn_page *pg, syn_feed *f);   // takes f's reference
void syn_page_free(syn_page *pg);                // NULL feed: nothing
// Takes what the engine published since the last call; 1 when the page changed.
int syn_page_update(syn_page *pg);
// The line point `step` (of the page's count) is on; -1 when the page is empty.
int syn_page_line_of(const syn_page *pg, int step);
// The page's points as raw offsets set one under another (gl_hw_page_points)
// for export; *mm_per_unit its scale. NULL when nothing is written.
float *syn_page_points(const syn_page *pg, int *n, float *mm_per_unit);
#endif
