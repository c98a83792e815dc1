// gui_pen: drawing a digit with the mouse on a 28x28 grey canvas (ink 1 on
// 0), shared by the views that let a person draw their own input.
#ifndef GUI_PEN_H
#define GUI_PEN_H

// A stroke from (u0, v0) to (u1, v1) in pixel-centre units (pixel x covers
// [x − 0.5, x + 0.5]) with a soft round brush: full ink within 0.9 px of
// the pen, none beyond 2 px, combined by max so that a stroke over itself
// does not saturate into a blob. erase rubs out with the same soft edge.
void gui_pen_stroke(float *img28, float u0, float v0, float u1, float v1, int erase);
#endif
