// Hershey .jhf fonts.
#include "fuzz_util.h"
#include "gl_hw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gl_hw_font f;
    if (gl_hw_font_load(&f, fuzz_file(data, size)) == 0) gl_hw_font_free(&f);
    return 0;
}
