// stop_signal: Ctrl-C and TERM during a CLI training run. The first raises
// the run's stop flag, so the run ends after the step at hand and can save a
// checkpoint of it; a second ends the process at once (the default action).
#ifndef APP_STOP_SIGNAL_H
#define APP_STOP_SIGNAL_H
#include <stdatomic.h>

// Catches SIGINT and SIGTERM for *stop; NULL gives them back their default.
void stop_on_signals(atomic_int *stop);
// The signal that raised the flag (SIGINT or SIGTERM), 0 if none did.
int stop_signal(void);
// "interrupted" or "terminated", for the message that says where the run stopped.
const char *stop_signal_word(void);
#endif
