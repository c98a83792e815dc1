// Issue 35: does a style of one's own hand carry over? Four hand-made
// samples that differ -- upright, strongly slanted, small, large -- are made
// from a shipped preset's points (the model's own "A quick brown fox, 1984."),
// sheared and scaled, turned into mouse-like point lists (in the paper's
// recording units, every 1 to 3 points kept, as a mouse reports them) and
// brought to the model through the app's own path (hw_hand_points_paced, then
// app_style_sample_check). Each primes the shipped model writing three texts
// at eight seeds; the output's slant and letter height (gl_hw_ink_measure,
// medians over the 24 lines) must be closer to the slanted, the small and
// the large sample's than the unprimed output's are, and the upright and
// slanted samples' outputs as far apart as half their slants are (the
// unprimed model writes upright already); at least 5 lines in 6 end on
// their own with every sample. Prints the table
// docs/handwriting.md quotes.
//   build/tests/gui/test_style_carry [BIAS [--read [TRIES]]]   (default 1, the app's;
//   --read also reads every line back, hw_read.h, and prints the words read;
//   TRIES: each line written as `write` writes it, a try not written whole
//   (gl_hw_line_verdict) written again with seed + k * GL_HW_PAGE_RESEED, up
//   to TRIES tries; default 1, the network's first draw); HW_STYLE_SEEDS=N:
//   N seeds a text instead of 8 (up to 32)
#include "gl_test.h"
#include "gui_test.h"
#include "gl_hw.h"
#include "hw_gui.h"
#include "style_file.h"
#include "handwriting/hw_read.h"
#include <math.h>

#define NTEXT 3
#define NSEED_MAX 32
static int nseed = 8;   // HW_STYLE_SEEDS=N (up to NSEED_MAX): seeds 1..N, for a larger sample of the reading
// texts like the sample's ("A quick brown fox, 1984."): a capital, small letters, digits, punctuation, so that
// their letters' core height is measured over the same kinds of characters
static const char *const texts[NTEXT] = { "My own hand, 2026.", "Soft attention, 1308.", "A lazy dog, 1999." };

typedef struct { const char *name; float slant_deg, size; } sample_spec;

static int cmpf(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}
static float median(float *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmpf);
    return n ? (n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2])) : NAN;
}

// The base line (absolute model units) sheared to slant `deg` (from its own
// slant s0) and scaled by size, as a mouse would report it in recording units
// (model units / nominal): some points skipped, the strokes' ends kept.
static float *mouse_line(const gl_hw_line *base, float s0, const sample_spec *sp, float nominal, uint64_t seed,
                         float **yo, uint8_t **upo, int *n) {
    float *x = gl_malloc(sizeof(float) * (size_t)base->n), *y = gl_malloc(sizeof(float) * (size_t)base->n);
    uint8_t *up = gl_malloc((size_t)base->n);
    float ax = 0, ay = 0, ymid = 0;
    for (int i = 0; i < base->n; i++) { ay += base->pts[3 * i + 1]; ymid += ay; }
    ymid /= (float)base->n;
    float k = tanf(sp->slant_deg * (float)M_PI / 180) - tanf(s0 * (float)M_PI / 180);
    gl_rng rng;
    gl_rng_seed(&rng, seed);
    int m = 0;
    ay = 0;
    for (int i = 0; i < base->n; i++) {
        ax += base->pts[3 * i]; ay += base->pts[3 * i + 1];
        int lift = base->pts[3 * i + 2] > 0.5f, first = i == 0 || base->pts[3 * (i - 1) + 2] > 0.5f;
        if (!lift && !first && i + 1 < base->n && gl_rng_below(&rng, 3) != 0) continue;   // a mouse skips points
        x[m] = sp->size * (ax + k * (ymid - ay)) / nominal;   // y down: a point above the middle leans right
        y[m] = sp->size * ay / nominal;
        up[m] = (uint8_t)lift;
        m++;
    }
    *yo = y; *upo = up; *n = m;
    return x;
}

typedef struct { float slant, height; int ended; hw_reading rd; } outcome;
static int reading;   // --read: read every line back (hw_read.h)
static int tries = 1;

static outcome write_with(gl_hw_model *m, const float *prime, int nprime, const char *ptext, float bias) {
    float sl[NTEXT * NSEED_MAX], h[NTEXT * NSEED_MAX];
    int ns = 0, nh = 0, ended = 0;
    hw_reading rd = { 0 };
    for (int t = 0; t < NTEXT; t++)
        for (int s = 0; s < nseed; s++) {
            gl_hw_sample_opts o = { 0 };
            o.bias = bias;
            o.seed = (uint64_t)(s + 1);
            gl_hw_line pl = { nprime, (float *)prime, (char *)ptext, 0 };
            if (prime) { o.prime = &pl; o.prime_text = ptext; }
            gl_hw_result r;
            if (gl_hw_sample(m, texts[t], &o, &r, NULL) != 0) { CHECK(0, "write: %s", gl_err()); continue; }
            int bad = 0;
            for (int k = 1; k < tries && !bad && gl_hw_line_verdict(&r, texts[t]) != GL_HW_WHOLE; k++) {
                gl_hw_result_free(&r);
                o.seed = (uint64_t)(s + 1) + (uint64_t)k * GL_HW_PAGE_RESEED;
                bad = gl_hw_sample(m, texts[t], &o, &r, NULL) != 0;
            }
            if (bad) { CHECK(0, "write again: %s", gl_err()); continue; }
            gl_hw_ink_stats st;
            if (gl_hw_ink_measure(r.pts, r.n, (int)strlen(texts[t]), &st) == 0) {
                h[nh++] = st.height;
                if (!isnan(st.slant_deg)) sl[ns++] = st.slant_deg;
            }
            ended += r.ended;
            if (reading) hw_read_line(m, texts[t], r.pts, r.n, prime ? &pl : NULL, &rd);
            gl_hw_result_free(&r);
        }
    outcome oc = { median(sl, ns), median(h, nh), ended, rd };
    return oc;
}

int main(int argc, char **argv) {
    float bias = argc > 1 ? (float)atof(argv[1]) : 1.0f;
    if (getenv("HW_STYLE_SEEDS")) {
        nseed = atoi(getenv("HW_STYLE_SEEDS"));
        if (nseed < 1 || nseed > NSEED_MAX) nseed = nseed < 1 ? 1 : NSEED_MAX;
    }
    reading = argc > 2 && !strcmp(argv[2], "--read");
    if (reading && argc > 3) tries = atoi(argv[3]) > 1 ? atoi(argv[3]) : 1;
    gl_hw_model *m = gl_hw_load(test_asset_path("handwriting-synth.safetensors"), 0);
    CHECK(m != NULL, "the shipped model: %s", gl_err());
    if (!m) TEST_MAIN_END();
    app_style_presets ps;
    app_style_presets_load(&ps, test_asset_path("handwriting/styles"), &m->cfg);
    CHECK(ps.n >= 1, "the presets: %s", ps.note);
    if (ps.n < 1) TEST_MAIN_END();
    gl_hw_line ls[APP_STYLE_PRESETS_MAX];
    for (int i = 0; i < ps.n; i++) { ls[i] = ps.p[i].pc.lines[0]; ls[i].text = ps.p[i].text; }
    app_style_ref ref;
    app_style_ref_of(ls, ps.n, &ref);
    float nominal = ref.height / 20;   // the view's: a line 20 recording units (60 points) high is the model's
    const gl_hw_line *base = &ls[0];
    gl_hw_ink_stats b0;
    gl_hw_ink_measure(base->pts, base->n, (int)strlen(base->text), &b0);
    outcome plain = write_with(m, NULL, 0, NULL, bias);
    printf("bias %.2f; %d texts x %d seeds per row; medians; height in the model's units (its presets' core height "
           "%.1f)\n", bias, NTEXT, nseed, ref.core);
    printf("%-10s | sample slant, height | unprimed slant, height | primed slant, height | lines ended\n", "sample");
    printf("%-10s |                      | %6.1f deg %8.1f   |                      | %d/%d\n", "(none)", plain.slant,
           plain.height, plain.ended, NTEXT * nseed);
    outcome pre = write_with(m, base->pts, base->n, base->text, bias);   // the preset as shipped, for comparison
    printf("%-10s | %6.1f deg %8.1f   | %6.1f deg %8.1f   | %6.1f deg %8.1f   | %d/%d\n", ps.p[0].name, b0.slant_deg,
           b0.height, plain.slant, plain.height, pre.slant, pre.height, pre.ended, NTEXT * nseed);
    outcome got[4];
    gl_hw_ink_stats had[4];
    static const sample_spec specs[4] = {
        { "upright", 0, 1 }, { "slanted", 35, 1 }, { "small", 0, 0.6f }, { "large", 0, 1.7f },
    };
    for (int k = 0; k < 4; k++) {
        const sample_spec *sp = &specs[k];
        float *y;
        uint8_t *up;
        int nm, n;
        float *x = mouse_line(base, b0.slant_deg, sp, nominal, 7 + (uint64_t)k, &y, &up, &nm);
        float *pts = hw_hand_points_paced(x, y, up, nm, base->text, &ref, nominal, &n);
        CHECK(pts && app_style_sample_check(base->text, pts, n, &ref) == 0, "%s: the sample serves: %s", sp->name,
              gl_err());
        gl_hw_ink_stats ss;
        gl_hw_ink_measure(pts, n, (int)strlen(base->text), &ss);
        outcome pr = write_with(m, pts, n, base->text, bias);
        printf("%-10s | %6.1f deg %8.1f   | %6.1f deg %8.1f   | %6.1f deg %8.1f   | %d/%d\n", sp->name, ss.slant_deg,
               ss.height, plain.slant, plain.height, pr.slant, pr.height, pr.ended, NTEXT * nseed);
        got[k] = pr;
        had[k] = ss;
        if (k == 1)
            CHECK(fabsf(pr.slant - ss.slant_deg) < fabsf(plain.slant - ss.slant_deg),
                  "%s: the slant carries over (%.1f deg written, %.1f unprimed, %.1f the sample's)", sp->name, pr.slant,
                  plain.slant, ss.slant_deg);
        if (k >= 2)
            CHECK(fabsf(pr.height - ss.height) < fabsf(plain.height - ss.height),
                  "%s: the size carries over (%.1f written, %.1f unprimed, %.1f the sample's)", sp->name, pr.height,
                  plain.height, ss.height);
        CHECK(6 * pr.ended >= 5 * NTEXT * nseed, "%s: at least 5 lines in 6 end on their own (%d of %d)", sp->name,
              pr.ended, NTEXT * nseed);
        free(x); free(y); free(up); free(pts);
    }
    // the unprimed model already writes upright: what carries over is the difference between the two samples
    CHECK(got[1].slant - got[0].slant >= 0.5f * (had[1].slant_deg - had[0].slant_deg),
          "slanted against upright: %.1f deg written apart, the samples %.1f", got[1].slant - got[0].slant,
          had[1].slant_deg - had[0].slant_deg);
    CHECK(got[3].height / got[2].height >= sqrtf(had[3].height / had[2].height),
          "large against small: %.2f times as high written, the samples %.2f", got[3].height / got[2].height,
          had[3].height / had[2].height);
    if (reading) {
        printf("words read back (hw_read.h): unprimed %d of %d, %s %d of %d", plain.rd.read, plain.rd.words,
               ps.p[0].name, pre.rd.read, pre.rd.words);
        for (int k = 0; k < 4; k++) printf(", %s %d of %d", specs[k].name, got[k].rd.read, got[k].rd.words);
        printf("\n");
    }
    app_style_presets_free(&ps);
    gl_hw_free(m);
    TEST_MAIN_END();
}
