// safetensors files through every loader: the bare reader, and the model
// loaders of attention, DRAW (weights and checkpoints) and handwriting,
// which check the metadata against the tensors.
#include "fuzz_util.h"
#include "attention/gl_attn.h"
#include "draw/gl_draw.h"
#include "gl_hw.h"
#include "gl_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = fuzz_file(data, size);
    gl_st_file f;
    if (gl_st_load(p, &f) != 0) return 0;
    const char *model = gl_meta_get(&f.meta, "model");
    gl_st_free(&f);
    if (!model) return 0;
    gl_attn *a = gl_attn_load(p);
    if (a) gl_attn_free(a);
    for (int opt = 0; opt < 2; opt++) {
        gl_draw *d = gl_draw_load(p, opt);
        if (d) gl_draw_free(d);
    }
    gl_hw_free(gl_hw_load(p, 1));
    gl_hw_free(gl_hw_load(p, 0));
    return 0;
}
