// gui_timeline: scrubbing and drawing a run's timeline (see gui_timeline.h).
#include "gui_timeline.h"
#include <stdio.h>

int gui_scrub(gui_ctx *ui, uint32_t id, gui_rect r, double n, double *pos) {
    int out = 0;
    if (gui_inside(r, ui->mx, ui->my)) ui->hot = id;
    if (ui->mouse_pressed && gui_inside(r, ui->press_x, ui->press_y)) { ui->active = id; out |= GUI_SCRUB_PRESSED; }
    if (ui->active == id && ui->mouse_down) {
        *pos = (double)(ui->mx - r.x) * n / (r.w > 0 ? r.w : 1);
        out |= GUI_SCRUB_HELD;
    }
    return out;
}

// Dark text on a light cell: perceived brightness, 0..255.
static int lum(gui_color c) { return (299 * c.r + 587 * c.g + 114 * c.b) / 1000; }

void gui_timeline_cells(gui_ctx *ui, gui_rect r, int n, int step, gui_color cur, const float *bar) {
    if (n < 1) return;
    for (int s = 0; s < n; s++) {
        gui_rect c = gui_r(r.x + r.w * s / n, r.y, r.w / n - 2, r.h);
        gui_color fill = s == step ? cur : s < step ? gui_col_hot : gui_col_button;
        gui_rect_fill(ui, c, fill);
        if (bar) gui_rect_fill(ui, gui_r(c.x, c.y + c.h - 4, (int)((float)c.w * bar[s]), 4), gui_rgb(250, 210, 90));
        char num[12];
        snprintf(num, sizeof num, "%d", s + 1);
        gui_text(ui, c.x + (c.w - gui_text_w(ui, GUI_FONT_SMALL, num)) / 2,
                 c.y + (c.h - ui->line_h[GUI_FONT_SMALL]) / 2 - 1, GUI_FONT_SMALL,
                 lum(fill) > 140 ? gui_rgb(20, 20, 20) : gui_col_text, num);
    }
}

int gui_timeline_bar(gui_ctx *ui, gui_rect r, int n, int step) {
    gui_rect_fill(ui, r, gui_col_button);
    if (n < 1 || step < 0) return -1;
    int w = (int)((double)(step + 1) * r.w / n);
    gui_rect_fill(ui, gui_r(r.x, r.y, w, r.h), gui_col_hot);
    return w;
}
