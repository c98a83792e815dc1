// hw_read.h, the legibility figure, can fail: the shipped network reads
// what it writes at bias 2 (most words read), and a text that asks for a
// letter the ink does not have ("brrown" for ink of "brown": the deletion
// "brown" fits better) is not read, nor a word read against ink written
// for another text; the same after a primer, the line read in the state it
// was written in.
#include "hw_read.h"
#include "gl_test.h"

int main(void) {
    char path[1024];   // the shipped network (tests/meson.build sets GLIMPSE_ASSETS)
    snprintf(path, sizeof path, "%s/handwriting-synth.safetensors",
             getenv("GLIMPSE_ASSETS") ? getenv("GLIMPSE_ASSETS") : "assets");
    gl_hw_model *m = gl_hw_load(path, 0);
    CHECK(m != NULL, "load %s: %s", path, gl_err());
    if (!m) TEST_MAIN_END();
    static const char *const texts[] = { "the quick brown fox", "a lazy dog sleeps", "meet me at 7 tonight" };
    hw_reading own = { 0 }, extra = { 0 }, other = { 0 };
    for (int i = 0; i < 3; i++)
        for (uint64_t seed = 1; seed <= 2; seed++) {
            gl_hw_sample_opts o = { 0 };
            o.bias = 2;
            o.seed = seed;
            gl_hw_result r;
            if (gl_hw_sample(m, texts[i], &o, &r, NULL)) { CHECK(0, "write: %s", gl_err()); continue; }
            CHECK(hw_read_line(m, texts[i], r.pts, r.n, NULL, &own) == 0, "read %s", texts[i]);
            if (i == 0) {
                hw_reading one = { 0 };
                hw_read_line(m, "the quick brrown fox", r.pts, r.n, NULL, &one);
                extra.words += one.words;
                extra.read += one.read;
                hw_read_line(m, "a lazy dog sleeps", r.pts, r.n, NULL, &other);
            }
            gl_hw_result_free(&r);
        }
    // read in context: a line written after a primer (a line of the network's own) is read after it; the
    // check still fails a letter the ink lacks
    hw_reading ctx = { 0 }, ctx_extra = { 0 };
    for (uint64_t seed = 1; seed <= 2; seed++) {
        gl_hw_sample_opts o = { 0 };
        o.bias = 2;
        o.seed = seed;
        gl_hw_result first, r;
        if (gl_hw_sample(m, "a lazy dog sleeps", &o, &first, NULL)) { CHECK(0, "write: %s", gl_err()); continue; }
        gl_hw_line pr = { first.n, first.pts, (char *)"a lazy dog sleeps", 0 };
        o.prime = &pr;
        o.prime_text = pr.text;
        if (gl_hw_sample(m, "the quick brown fox", &o, &r, NULL) == 0) {
            CHECK(hw_read_line(m, "the quick brown fox", r.pts, r.n, &pr, &ctx) == 0, "read after a primer");
            hw_read_line(m, "the quick brrown fox", r.pts, r.n, &pr, &ctx_extra);
            gl_hw_result_free(&r);
        }
        gl_hw_result_free(&first);
    }
    printf("# after a primer: %d of %d words read; as \"the quick brrown fox\": %d of %d\n", ctx.read, ctx.words,
           ctx_extra.read, ctx_extra.words);
    CHECK(ctx.words == 8 && ctx.read >= 7, "a primed line read after its primer (%d of 8 words)", ctx.read);
    CHECK(ctx_extra.words == 8 && ctx_extra.read <= 6, "after a primer, a letter the ink lacks is not read (%d of 8)",
          ctx_extra.read);
    printf("# read: %d of %d words written at bias 2; ink of \"the quick brown fox\" read as \"the quick brrown fox\": "
           "%d of %d; as \"a lazy dog sleeps\": %d of %d\n", own.read, own.words, extra.read, extra.words, other.read,
           other.words);
    CHECK(own.words == 26 && 10 * own.read >= 9 * own.words, "the network reads what it writes (%d of %d words)",
          own.read, own.words);
    CHECK(extra.words == 8 && extra.read <= 6, "a letter the ink lacks is not read (%d of 8 words, 2 of them brrown)",
          extra.read);
    CHECK(other.words == 8 && other.read <= 2, "ink of another text is not read (%d of 8 words)", other.read);
    gl_hw_free(m);
    TEST_MAIN_END();
}
