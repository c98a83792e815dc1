// gui_pad: the drawable digit and its undo ring (see gui_pad.h).
#include "gui_pad.h"
#include "gui_pen.h"
#include <string.h>

void gui_pad_push(gui_pad *p) {
    if (p->nundo == GUI_PAD_UNDO) {   // drop the oldest
        memmove(&p->undo[0], &p->undo[1], sizeof p->undo[0] * (GUI_PAD_UNDO - 1));
        p->nundo--;
    }
    memcpy(p->undo[p->nundo].img, p->img, sizeof p->img);
    p->undo[p->nundo].from_test = p->from_test;
    p->undo[p->nundo].sel = p->sel;
    p->nundo++;
}

int gui_pad_undo(gui_pad *p) {
    if (!p->nundo) return 0;
    p->nundo--;
    memcpy(p->img, p->undo[p->nundo].img, sizeof p->img);
    p->from_test = p->undo[p->nundo].from_test;
    p->sel = p->undo[p->nundo].sel;
    return 1;
}

void gui_pad_pick(gui_pad *p, int sel, const float *img) {
    gui_pad_push(p);
    p->sel = sel;
    memcpy(p->img, img, sizeof p->img);
    p->from_test = 1;
}

void gui_pad_clear(gui_pad *p) {
    gui_pad_push(p);
    memset(p->img, 0, sizeof p->img);
    p->from_test = 0;
}

int gui_pad_empty(const gui_pad *p) {
    for (int i = 0; i < GUI_PAD_D; i++) if (p->img[i] > 0.05f) return 0;
    return 1;
}

// Window point -> pixel-centre units of the pad shown in r.
static void to_pad(gui_rect r, int x, int y, float *u, float *v) {
    *u = (float)(x - r.x) * 28.0f / (float)r.w - 0.5f;
    *v = (float)(y - r.y) * 28.0f / (float)r.h - 0.5f;
}

int gui_pad_pen_down(gui_pad *p, gui_rect r, int button, int x, int y) {
    if (button != 1 && button != 3) return 0;
    gui_pad_push(p);
    p->from_test = 0;   // an edited test digit is a drawn one
    p->pen_down = 1;
    p->pen_erase = button == 3;
    to_pad(r, x, y, &p->pen_u, &p->pen_v);
    gui_pen_stroke(p->img, p->pen_u, p->pen_v, p->pen_u, p->pen_v, p->pen_erase);
    return 1;
}

int gui_pad_pen_move(gui_pad *p, gui_rect r, int x, int y) {
    if (!p->pen_down) return 0;
    float u, v;
    to_pad(r, x, y, &u, &v);
    gui_pen_stroke(p->img, p->pen_u, p->pen_v, u, v, p->pen_erase);
    p->pen_u = u;
    p->pen_v = v;
    return 1;
}

int gui_pad_pen_up(gui_pad *p, int button) {
    if (!p->pen_down || button != (p->pen_erase ? 3 : 1)) return 0;
    p->pen_down = 0;
    return 1;
}

int gui_pad_pen_follow(gui_pad *p, gui_rect r, const gui_event *ev) {
    if (ev->type == GUI_EV_MOVE) return gui_pad_pen_move(p, r, ev->x, ev->y) ? GUI_PAD_DREW : 0;
    if (ev->type == GUI_EV_UP) return gui_pad_pen_up(p, ev->button) ? GUI_PAD_RELEASED : 0;
    return 0;
}
