// gl_hw_ink: measures of what a synthesis run wrote, read from its pen
// points and its window weights φ(t,u): where the window's peak reaches a
// character (tests/handwriting/hw_lastchar.h counts the points the pen
// writes from there to judge whether a line's last character is whole).
#include "gl_hw.h"
#include <math.h>
#include <string.h>

int gl_hw_step_onto(const gl_hw_result *r, int j) {
    if (!r->phi) return r->n;
    int U = r->U;
    for (int t = 0; t < r->n; t++) {
        const float *ph = r->phi + (size_t)t * (U + 1);
        int am = 0;
        for (int u = 1; u <= U; u++)
            if (ph[u] > ph[am]) am = u;
        if (am >= j) return t;
    }
    return r->n;
}
