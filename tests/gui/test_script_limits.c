// The --script parser at the edges of its numbers (issue 14): a drag between
// the extreme ints overflowed (UB, caught by UBSan), and a script of many
// long drags had no limit.
#include "gl_test.h"
#include "gui_script.h"
#include "gl_util.h"

int main(void) {
    gui_script s;
    CHECK(gui_script_parse("drag -2147483648 0 2147483647 0 1\n", "t", &s) == 0, "extreme drag parses: %s", gl_err());
    CHECK(s.n == 3 && s.steps[1].ev.x == 2147483647 && s.steps[1].ev.y == 0, "one move to the far end (%d)", s.n == 3 ? s.steps[1].ev.x : -1);
    gui_script_free(&s);
    CHECK(gui_script_parse("drag 2147483647 -2147483648 -2147483648 2147483647 3\n", "t", &s) == 0, "extreme drag back");
    CHECK(s.n == 5 && s.steps[2].ev.x == (int)(2147483647 + (-4294967295LL) * 2 / 3), "the middle point is exact (%d)", s.n == 5 ? s.steps[2].ev.x : -1);
    gui_script_free(&s);
    // 11 drags of 10000 moves each: past the event limit, an error naming the line
    char text[512] = "";
    for (int i = 0; i < 11; i++) strcat(text, "drag 0 0 100 100 10000\n");
    CHECK(gui_script_parse(text, "t", &s) != 0 && strstr(gl_err(), "t:10: more than 100000 events"), "event limit: %s", gl_err());
    CHECK(gui_script_load("/tmp", &s) != 0 && strstr(gl_err(), "is a directory"), "a directory as script: %s", gl_err());
    TEST_MAIN_END();
}
