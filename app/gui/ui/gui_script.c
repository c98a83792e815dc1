// gui_script: parser of the headless --script format (see gui_script.h).
#include "gui_script.h"
#include "gl_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gui_sc_step *add(gui_script *s, gui_sc_kind k, int line) {
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        gui_sc_step *p = realloc(s->steps, (size_t)s->cap * sizeof *p);
        if (!p) abort();
        s->steps = p;
    }
    gui_sc_step *st = &s->steps[s->n++];
    memset(st, 0, sizeof *st);
    st->kind = k; st->line = line;
    return st;
}
static void add_mouse(gui_script *s, gui_ev_type t, int x, int y, int button, int line) {
    gui_sc_step *st = add(s, GUI_SC_EVENT, line);
    st->ev.type = t; st->ev.x = x; st->ev.y = y; st->ev.button = button;
}

// One command of a script line: its arguments in rest (leading blanks
// skipped); -1 with gl_err ("NAME:LINE: usage: ...").
typedef int (*sc_cmd_fn)(gui_script *out, const char *cmd, const char *rest, const char *name, int line);

static int sc_mouse(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    int a[3] = { 0, 0, 1 };
    char extra[8];
    int k = sscanf(rest, "%d %d %d %7s", &a[0], &a[1], &a[2], extra);
    if (k < 2 || k > 3 || a[2] < 1 || a[2] > 3) {
        gl_seterr("%s:%d: usage: %s X Y%s", name, line, cmd, strcmp(cmd, "move") ? " [BUTTON]" : "");
        return -1;
    }
    if (!strcmp(cmd, "move")) add_mouse(out, GUI_EV_MOVE, a[0], a[1], 0, line);
    if (!strcmp(cmd, "down") || !strcmp(cmd, "click")) add_mouse(out, GUI_EV_DOWN, a[0], a[1], a[2], line);
    if (!strcmp(cmd, "up") || !strcmp(cmd, "click")) add_mouse(out, GUI_EV_UP, a[0], a[1], a[2], line);
    return 0;
}

static int sc_drag(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    (void)cmd;
    int a[5] = { 0, 0, 0, 0, 16 };
    char extra[8];
    int k = sscanf(rest, "%d %d %d %d %d %7s", &a[0], &a[1], &a[2], &a[3], &a[4], extra);
    if (k < 4 || k > 5 || a[4] < 1 || a[4] > 10000) {
        gl_seterr("%s:%d: usage: drag X0 Y0 X1 Y1 [N]", name, line);
        return -1;
    }
    add_mouse(out, GUI_EV_DOWN, a[0], a[1], 1, line);
    for (int i = 1; i <= a[4]; i++)
        add_mouse(out, GUI_EV_MOVE,
                  (int)(a[0] + ((long long)a[2] - a[0]) * i / a[4]), // 64-bit: any int end points
                  (int)(a[1] + ((long long)a[3] - a[1]) * i / a[4]), 0, line);
    add_mouse(out, GUI_EV_UP, a[2], a[3], 1, line);
    return 0;
}

static int sc_wheel(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    (void)cmd;
    float dy;
    char extra[8];
    if (sscanf(rest, "%f %7s", &dy, extra) != 1) { gl_seterr("%s:%d: usage: wheel DY", name, line); return -1; }
    gui_sc_step *st = add(out, GUI_SC_EVENT, line);
    st->ev.type = GUI_EV_WHEEL; st->ev.wheel = dy;
    return 0;
}

static int sc_key(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    (void)cmd;
    char kn[64], extra[8];
    gui_sc_step tmp;
    if (sscanf(rest, "%63s %7s", kn, extra) != 1 || gui_key_parse(kn, &tmp.ev.key, &tmp.ev.mods) != 0) {
        gl_seterr("%s:%d: unknown key '%s' (see glimpse --help)", name, line, rest);
        return -1;
    }
    gui_sc_step *st = add(out, GUI_SC_EVENT, line);
    st->ev.type = GUI_EV_KEY; st->ev.key = tmp.ev.key; st->ev.mods = tmp.ev.mods;
    return 0;
}

static int sc_text(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    (void)cmd;
    if (!*rest) { gl_seterr("%s:%d: usage: text STRING", name, line); return -1; }
    // One event per character keeps within the event's text size; a
    // UTF-8 character's bytes stay in one event, as SDL sends them.
    for (const char *c = rest; *c;) {
        gui_sc_step *st = add(out, GUI_SC_EVENT, line);
        st->ev.type = GUI_EV_TEXT;
        int k = 0;
        st->ev.text[k++] = *c++;
        while (k < 4 && ((unsigned char)*c & 0xC0) == 0x80) st->ev.text[k++] = *c++;
    }
    return 0;
}

// wait MS, frame [N], idle: the steps that only let frames pass.
static int sc_time(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    int n = 1;
    char extra[8];
    if (!strcmp(cmd, "idle")) {
        if (*rest) { gl_seterr("%s:%d: usage: idle", name, line); return -1; }
        add(out, GUI_SC_IDLE, line);
    } else if (!strcmp(cmd, "wait")) {
        if (sscanf(rest, "%d %7s", &n, extra) != 1 || n < 0 || n > 600000) {
            gl_seterr("%s:%d: usage: wait MS", name, line);
            return -1;
        }
        add(out, GUI_SC_WAIT, line)->n = n;
    } else {
        if (*rest && (sscanf(rest, "%d %7s", &n, extra) != 1 || n < 1 || n > 100000)) {
            gl_seterr("%s:%d: usage: frame [N]", name, line);
            return -1;
        }
        add(out, GUI_SC_FRAME, line)->n = n;
    }
    return 0;
}

static int sc_shot(gui_script *out, const char *cmd, const char *rest, const char *name, int line) {
    (void)cmd;
    if (!*rest || strlen(rest) >= sizeof out->steps[0].path) {
        gl_seterr("%s:%d: usage: screenshot PATH", name, line);
        return -1;
    }
    snprintf(add(out, GUI_SC_SHOT, line)->path, sizeof out->steps[0].path, "%s", rest);
    return 0;
}

static const struct { const char *name; sc_cmd_fn fn; } sc_cmds[] = {
    { "move", sc_mouse }, { "down", sc_mouse }, { "up", sc_mouse }, { "click", sc_mouse }, { "drag", sc_drag },
    { "wheel", sc_wheel }, { "key", sc_key }, { "text", sc_text }, { "wait", sc_time }, { "idle", sc_time },
    { "frame", sc_time }, { "screenshot", sc_shot },
};

// One line (no newline): blank or a comment, else a command; -1 with gl_err.
static int parse_line(gui_script *out, char *s, const char *name, int line) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '#') return 0;
    char cmd[32] = "";
    int used = 0;
    sscanf(s, "%31s%n", cmd, &used);
    char *rest = s + used;
    while (*rest == ' ' || *rest == '\t') rest++;
    for (size_t i = 0; i < sizeof sc_cmds / sizeof sc_cmds[0]; i++)
        if (!strcmp(cmd, sc_cmds[i].name)) return sc_cmds[i].fn(out, cmd, rest, name, line);
    gl_seterr("%s:%d: unknown command '%s' (see glimpse --help)", name, line, cmd);
    return -1;
}

int gui_script_parse(const char *text, const char *name, gui_script *out) {
    memset(out, 0, sizeof *out);
    int line = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char buf[1024];
        if (n >= sizeof buf) { gl_seterr("%s:%d: line too long", name, line); goto fail; }
        memcpy(buf, p, n); buf[n] = 0;
        p = e ? e + 1 : p + n;
        if (n && buf[n - 1] == '\r') buf[--n] = 0;
        if (parse_line(out, buf, name, line)) goto fail;
        if (out->n > GUI_SCRIPT_MAX_STEPS) {
            gl_seterr("%s:%d: more than %d events in one script", name, line, GUI_SCRIPT_MAX_STEPS);
            goto fail;
        }
    }
    return 0;
fail:
    gui_script_free(out);
    return -1;
}

int gui_script_load(const char *path, gui_script *out) {
    uint8_t *buf;
    size_t n;
    if (gl_read_file_max(path, &buf, &n, GUI_SCRIPT_MAX_FILE) != 0) return -1;
    char *text = gl_malloc(n + 1);
    memcpy(text, buf, n); text[n] = 0;
    free(buf);
    if (strlen(text) != n) { free(text); gl_seterr("%s: not a text file", path); return -1; }
    int rc = gui_script_parse(text, path, out);
    free(text);
    return rc;
}

void gui_script_free(gui_script *s) { free(s->steps); memset(s, 0, sizeof *s); }
