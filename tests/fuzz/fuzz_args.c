// The CLI's option parsing: the input is split into arguments at newlines
// (and NULs); the first byte picks an option table shaped like the
// commands' (values, flags, numbers, positional texts).
#include "fuzz_util.h"
#include "args.h"
#include <string.h>

static const app_opt train_like[] = {
    { "key", 1, "" }, { "hidden", 1, "" }, { "epochs", 1, "" }, { "lr", 1, "" }, { "limit", 1, "" },
    { "seed", 1, "" }, { "out", 1, "" }, { "resume", 0, "" }, { "no-coords", 0, "" }, { "o", 1, "" },
    { NULL, 0, NULL } };
static const app_opt draw_like[] = {
    { "o", 1, "" }, { "grid", 1, "" }, { "scale", 1, "" }, { "frames", 0, "" }, { "json", 0, "" },
    { "bias", 1, "" }, { NULL, 0, NULL } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 4096) return 0;
    const app_opt *opts = data[0] & 1 ? draw_like : train_like;
    int max_pos = data[0] & 2 ? APP_MAXPOS : 0;
    char *buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = 0;
    char *argv[256]; int argc = 0;
    for (char *p = buf; argc < 256;) {
        argv[argc++] = p;
        char *e = p; while (e < buf + size - 1 && *e && *e != '\n') e++;
        if (e >= buf + size - 1 || !*e) break;
        *e = 0; p = e + 1;
    }
    app_args a;
    if (app_args_parse_pos(argc, argv, opts, "usage", &a, max_pos) == 0) {
        for (int j = 0; opts[j].name; j++) {
            long l; double d;
            app_arg_int(&a, opts, opts[j].name, -1000, 1000, 0, &l);
            app_arg_num(&a, opts, opts[j].name, -1e9, 1e9, 0, &d);
        }
        for (int i = 0; i < a.npos; i++) if (!a.pos[i]) abort();
    }
    free(buf);
    return 0;
}
