// Typed text -> what a synthesis network can write: the obvious look-alikes
// of the characters it knows (curly quotes, dashes, non-breaking and thin
// spaces, the ellipsis) are written as those characters, and the caller is
// told which were replaced. Anything else it cannot write stays, so that
// gl_hw_text_check names it (and a mark of the corpus, "#", with what it means).
#include "gl_hw.h"
#include <stdio.h>
#include <string.h>

typedef struct { const char *from, *to, *name; } lookalike;
static const lookalike table[] = {
    { "\xe2\x80\x98", "'", "\xe2\x80\x98" }, { "\xe2\x80\x99", "'", "\xe2\x80\x99" },   // ‘ ’
    { "\xe2\x80\x9a", "'", "\xe2\x80\x9a" }, { "\xe2\x80\xb2", "'", "\xe2\x80\xb2" },   // ‚ ′
    { "\xc2\xb4", "'", "\xc2\xb4" },                                                   // ´
    { "\xe2\x80\x9c", "\"", "\xe2\x80\x9c" }, { "\xe2\x80\x9d", "\"", "\xe2\x80\x9d" }, // “ ”
    { "\xe2\x80\x9e", "\"", "\xe2\x80\x9e" }, { "\xe2\x80\xb3", "\"", "\xe2\x80\xb3" }, // „ ″
    { "\xc2\xab", "\"", "\xc2\xab" }, { "\xc2\xbb", "\"", "\xc2\xbb" },                 // « »
    { "\xe2\x80\x90", "-", "\xe2\x80\x90" }, { "\xe2\x80\x91", "-", "\xe2\x80\x91" },   // ‐ ‑
    { "\xe2\x80\x92", "-", "\xe2\x80\x92" }, { "\xe2\x80\x93", "-", "\xe2\x80\x93" },   // ‒ –
    { "\xe2\x80\x94", "-", "\xe2\x80\x94" }, { "\xe2\x88\x92", "-", "\xe2\x88\x92" },   // — −
    { "\xc2\xa0", " ", "non-breaking space" }, { "\xe2\x80\xaf", " ", "narrow no-break space" },
    { "\xe2\x80\x89", " ", "thin space" }, { "\xe2\x80\x87", " ", "figure space" },
    { "\t", " ", "tab" },
    { "\xe2\x80\xa6", "...", "\xe2\x80\xa6" },                                          // …
};

int gl_hw_text_check(const gl_hw_cfg *cfg, const char *text) {
    for (const char *p = text; *p; p++)
        if (strchr(cfg->marks, *p)) {
            gl_seterr("the model cannot write '%c': in the texts it learnt from (IAM-OnDB) '%c' marks a word that "
                      "could not be read, and it writes an unreadable word there", *p, *p);
            return -1;
        }
    return gl_hw_encode(cfg, text, NULL);
}

int gl_hw_text_prepare(const gl_hw_cfg *cfg, const char *in, char *out, size_t cap, char *note, size_t notecap) {
    size_t o = 0, nn = 0;
    if (note && notecap) note[0] = 0;
    for (const char *p = in; *p;) {
        const lookalike *hit = NULL;
        for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
            size_t l = strlen(table[k].from);
            if (!strncmp(p, table[k].from, l)) {
                // only when the model can write what it stands for
                int ok = 1;
                for (const char *t = table[k].to; *t; t++) ok &= gl_hw_char_index(cfg, *t) >= 0;
                if (ok) hit = &table[k];
                break;
            }
        }
        const char *src = hit ? hit->to : p;
        size_t n = hit ? strlen(hit->to) : 1;
        if (o + n >= cap) { gl_seterr("the text is too long (at most %zu characters)", cap - 1); return -1; }
        memcpy(out + o, src, n);
        o += n;
        if (hit) {
            char item[64];
            snprintf(item, sizeof item, "%s as '%s'", hit->name, hit->to);
            if (note && !strstr(note, item) && nn + strlen(item) + 16 < notecap)
                nn += (size_t)snprintf(note + nn, notecap - nn, "%s%s", nn ? ", " : "written ", item);
            p += strlen(hit->from);
        } else p++;
    }
    out[o] = 0;
    return 0;
}
