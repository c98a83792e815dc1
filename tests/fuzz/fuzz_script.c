// Script files of the headless app (--script FILE).
#include "fuzz_util.h"
#include "gui_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gui_script s;
    if (gui_script_load(fuzz_file(data, size), &s) == 0) gui_script_free(&s);
    return 0;
}
