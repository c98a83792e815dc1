// gl_engine: the background engine thread (owned by the app issue).
#include "gl_engine.h"
typedef int gl_engine_placeholder_;
