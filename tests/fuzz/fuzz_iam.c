// IAM-OnDB: lineStrokes XML and the ascii transcriptions (the first byte
// picks the CSR line asked for).
#include "fuzz_util.h"
#include "gl_hw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = fuzz_file(data, size);
    float *pts; int n;
    if (gl_hw_iam_read_strokes(p, &pts, &n) == 0) free(pts);
    char *text;
    int index = size ? 1 + data[0] % 8 : 1;
    if (gl_hw_iam_read_text(p, index, &text) == 0) free(text);
    return 0;
}
