// The last character of a written line is written whole (hw_lastchar.h:
// its points against what the shipped network writes for it mid-line, at
// the same seed), over several last characters of each kind and seeds; and
// the same lines under §5.3's rule as written (stop the step the window
// passes the end) are not: the check can fail, and fails on the old rule.
#include "hw_lastchar.h"
#include "gl_test.h"

int main(void) {
    gl_hw_model m;
    char path[1024];   // the shipped network (tests/meson.build sets GLIMPSE_ASSETS)
    snprintf(path, sizeof path, "%s/handwriting-synth.safetensors",
             getenv("GLIMPSE_ASSETS") ? getenv("GLIMPSE_ASSETS") : "assets");
    CHECK(gl_hw_model_load(&m, path, NULL, 0) == 0, "load %s: %s", path, gl_err());
    static const char last[] = "3dt7eiAM2ny0k";
    int n = 0, done[2] = { 0, 0 };
    for (const char *c = last; *c; c++)
        for (int p = 0; p < HW_NPREFIX; p++)
            for (int s = 1; s <= 2; s++) {
                char text[64];
                snprintf(text, sizeof text, "%s%c", HW_PREFIXES[p], *c);
                hw_verdict v[2];
                CHECK(hw_judge(&m, text, (uint64_t)s, 1.0f, v) == 0, "write \"%s\": %s", text, gl_err());
                n++;
                done[0] += v[0].complete;
                done[1] += v[1].complete;
                if (!v[1].complete)
                    printf("# \"%s\" seed %d: last character %d points, mid-line %d%s\n", text, s, v[1].tail, v[1].ref,
                           v[1].ended ? "" : " (not ended)");
            }
    printf("# last character complete: %d of %d lines (the rule as written: %d)\n", done[1], n, done[0]);
    CHECK(done[1] >= n - 2, "the last character is whole in %d of %d lines", done[1], n);
    CHECK(done[0] <= n * 2 / 3, "the rule as written cuts it (whole in %d of %d lines)", done[0], n);
    gl_hw_model_free(&m);
    TEST_MAIN_END();
}
