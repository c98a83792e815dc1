// Pages: word wrap (paragraphs, gaps, hyphenation or refusal of a word
// longer than a line), a page written in one hand with the shipped network
// (every line ends, each line after the first primed with the one before, a
// long one with its last words; the primer read layer by layer as step by
// step), and its SVG in millimetres (one path per stroke, no fills) and PNG.
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_test.h"
#include <stdlib.h>
#include <unistd.h>

static void test_wrap(void) {
    gl_hw_cfg cfg = { 0 };
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abcdefghijklmnopqrstuvwxyz-.");
    cfg.C = (int)strlen(cfg.alphabet);
    char **l;
    int n;
    CHECK(gl_hw_wrap(&cfg, "  the cat sat\ton   the mat.\n\nend\n\n", 10, &l, &n) == 0, "wrap: %s", gl_err());
    CHECK(n == 5 && !strcmp(l[0], "the cat") && !strcmp(l[1], "sat on the") && !strcmp(l[2], "mat.") && !l[3][0] &&
                  !strcmp(l[4], "end"),
          "wrapped lines (%d): '%s' '%s' '%s'", n, n > 0 ? l[0] : "", n > 1 ? l[1] : "", n > 2 ? l[2] : "");
    for (int i = 0; i < n; i++) CHECK(strlen(l[i]) <= 10, "line %d within the width", i);
    gl_hw_wrapped_free(l, n);
    CHECK(gl_hw_wrap(&cfg, "a abcdefghijklmnop b", 8, &l, &n) == 0, "hyphenated: %s", gl_err());
    CHECK(n == 4 && !strcmp(l[0], "a") && !strcmp(l[1], "abcdefg-") && !strcmp(l[2], "hijklmn-") &&
                  !strcmp(l[3], "op b"),
          "a long word broken with hyphens (%d lines: '%s' '%s')", n, n > 1 ? l[1] : "", n > 2 ? l[2] : "");
    gl_hw_wrapped_free(l, n);
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abcdefghijklmnopqrstuvwxyz");
    cfg.C = (int)strlen(cfg.alphabet);
    CHECK(gl_hw_wrap(&cfg, "a abcdefghijklmnop b", 8, &l, &n) < 0 && strstr(gl_err(), "abcdefghijklmnop") &&
                  strstr(gl_err(), "longer than a line"),
          "refused without a hyphen: %s", gl_err());
    CHECK(gl_hw_wrap(&cfg, " \n\n  \n", 8, &l, &n) < 0 && strstr(gl_err(), "empty"), "an empty text: %s", gl_err());
}

static void test_page(void) {
    gl_hw_model *m = NULL;
    char path[1024];   // the shipped network (tests/meson.build sets GLIMPSE_ASSETS)
    snprintf(path, sizeof path, "%s/handwriting-synth.safetensors",
             getenv("GLIMPSE_ASSETS") ? getenv("GLIMPSE_ASSETS") : "assets");
    CHECK((m = gl_hw_load(path, 0)) != NULL, "load %s: %s", path, gl_err());
    char **l;
    int n;
    CHECK(gl_hw_wrap(&m->cfg, "we can write a page\n\nin the same hand", 20, &l, &n) == 0, "wrap: %s", gl_err());
    gl_hw_page_opts o = { 0 };
    o.bias = 1;
    o.seed = 1;
    gl_hw_page pg;
    CHECK(gl_hw_page_write(m, l, n, &o, &pg) == 0 && pg.n == 3 && !pg.text[1][0], "page: %d lines", pg.n);
    for (int i = 0; i < pg.n; i++) {
        if (!pg.text[i][0]) {
            CHECK(pg.line[i].n == 0, "a gap has no points");
            continue;
        }
        CHECK(pg.line[i].ended && pg.done[i] && pg.tries[i] >= 1 && pg.tries[i] <= GL_HW_PAGE_TRIES,
              "line %d ended (%d tries)", i, pg.tries[i]);
        // a line counted written kept its place: its window held no character of its own over GL_HW_HOLD_MAX
        // times the median (the primer's characters not counted)
        int from = pg.line[i].U - (int)strlen(pg.text[i]);
        CHECK(pg.why[i] == GL_HW_WHOLE && gl_hw_window_hold(&pg.line[i], from, NULL) <= GL_HW_HOLD_MAX,
              "line %d: %s, hold %.2f", i, gl_hw_verdict_name(pg.why[i]), gl_hw_window_hold(&pg.line[i], from, NULL));
        // primed with the line before: the window ran over both texts
        int primed = i > 0;
        size_t want = strlen(pg.text[i]) + (primed ? strlen(pg.text[0]) + 1 : 0);   // line 2 follows the gap
        CHECK(pg.line[i].U == (int)want,
              "line %d: the window's text has %d characters (%zu: primed with the line before)", i, pg.line[i].U, want);
    }
    // a longer line primes the next with its last words: those after the
    // last space that leaves GL_HW_PAGE_PRIME_CHARS characters or more
    char *two[2] = { "one two three four five six seven eight", "and so on" };
    gl_hw_page p2;
    CHECK(GL_HW_PAGE_PRIME_CHARS == 20 && gl_hw_page_write(m, two, 2, &o, &p2) == 0 && p2.done[0] && p2.done[1],
          "a page of two lines: %s", gl_err());
    CHECK(p2.line[1].U == (int)strlen("five six seven eight and so on"),
          "the second line primed with the first's last words: the window's text has %d characters (30)",
          p2.line[1].U);
    // the primer read layer by layer (the default) leaves the state that
    // reading it step by step leaves, to the bit: the same line, point for point
    gl_hw_line pl = { p2.line[0].n, p2.line[0].pts, (char *)two[0], 0 };
    gl_hw_sample_opts so = { 0 };
    so.bias = 1;
    so.seed = 5;
    so.prime = &pl;
    so.prime_text = two[0];
    gl_hw_result ra, rb;
    CHECK(gl_hw_sample(m, "and so on", &so, &ra, NULL) == 0, "primed: %s", gl_err());
    so.prime_stepwise = 1;
    CHECK(gl_hw_sample(m, "and so on", &so, &rb, NULL) == 0, "primed step by step: %s", gl_err());
    CHECK(ra.n > 20 && ra.n == rb.n && !memcmp(ra.pts, rb.pts, sizeof(float) * 3 * (size_t)ra.n) &&
                  !memcmp(ra.phi, rb.phi, sizeof(float) * (size_t)ra.n * (ra.U + 1)),
          "primed layer by layer and step by step (a primer of %d points): the same %d points (%d)", pl.n, ra.n,
          rb.n);
    gl_hw_result_free(&ra);
    gl_hw_result_free(&rb);
    gl_hw_page_free(&p2);
    int tot;
    float mm;
    float *pts = gl_hw_page_points(&pg, &tot, &mm);
    CHECK(tot == pg.line[0].n + pg.line[2].n && mm > 0, "page points %d, %g mm a unit", tot, mm);
    char dir[] = "/tmp/glimpse-page-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "tmpdir");
    char svg[128], png[128];
    snprintf(svg, sizeof svg, "%s/p.svg", dir);
    snprintf(png, sizeof png, "%s/p.png", dir);
    CHECK(gl_hw_save_svg_desc(svg, pts, tot, mm, "a <note> & more") == 0 &&
                  gl_hw_save_png_dpi(png, pts, tot, mm, 100) == 0,
          "save: %s", gl_err());
    uint8_t *b;
    size_t len;
    CHECK(gl_read_file(svg, &b, &len) == 0, "read the svg");
    const char *t = (const char *)b;
    int paths = 0, strokes = 0;
    for (const char *q = t; (q = strstr(q, "<path")); q++) paths++;
    for (int i = 0; i < tot; i++) strokes += pts[3 * i + 2] > 0.5f || i == tot - 1;
    double w = 0, h = 0;
    CHECK(sscanf(strstr(t, "width=") ? strstr(t, "width=") : "", "width=\"%lfmm\" height=\"%lfmm\"", &w, &h) == 2 &&
                  w > 60 && w < 300 && h > 20 && h < 300,
          "the page is %g x %g mm", w, h);
    CHECK(paths == strokes, "one path per stroke (%d paths, %d strokes)", paths, strokes);
    CHECK(!strstr(t, "<rect") && !strstr(t, "fill=\"white\"") && strstr(t, "fill=\"none\""), "no fills");
    CHECK(strstr(t, "&lt;note&gt; &amp; more") != NULL, "the notes in <desc>, escaped");
    free(b);
    float *g;
    int pw, ph;
    CHECK(gl_image_load_grey(png, &g, &pw, &ph) == 0 && fabs(pw - w / 25.4 * 100) < 3 && fabs(ph - h / 25.4 * 100) < 3,
          "PNG at 100 dpi: %d x %d px for %g x %g mm", pw, ph, w, h);
    free(g);
    unlink(svg);
    unlink(png);
    rmdir(dir);
    free(pts);
    gl_hw_page_free(&pg);
    gl_hw_wrapped_free(l, n);
    gl_hw_free(m);
}

int main(void) {
    test_wrap();
    test_page();
    TEST_MAIN_END();
}
