#include "stop_signal.h"
#include <signal.h>

static atomic_int *g_stop;
static volatile sig_atomic_t g_sig;

static void on_signal(int s) {
    g_sig = s;
    if (g_stop) atomic_store(g_stop, 1);   // lock-free: safe in a handler
    signal(s, SIG_DFL);
}

void stop_on_signals(atomic_int *stop) {
    g_stop = stop;
    if (stop) {
        g_sig = 0;
        signal(SIGINT, on_signal); signal(SIGTERM, on_signal);
    } else {
        signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL);
    }
}

int stop_signal(void) { return (int)g_sig; }
const char *stop_signal_word(void) { return g_sig == SIGINT ? "interrupted" : "terminated"; }
