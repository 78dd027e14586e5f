#include "CTemporaryFiles.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// More than any run holds at once: one per page being written, per job.
#define SLOTS 256

static _Atomic(char *) slots[SLOTS];

int ctf_register(const char *path) {
    char *copy = strdup(path);
    if (!copy) return -1;
    for (int i = 0; i < SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&slots[i], &expected, copy)) return i;
    }
    free(copy);
    return -1;
}

void ctf_forget(int slot) {
    if (slot < 0 || slot >= SLOTS) return;
    // Taken out first, then freed: a handler that runs in between finds NULL, never freed memory.
    char *old = atomic_exchange(&slots[slot], NULL);
    free(old);
}

static void remove_and_end(int sig) {
    for (int i = 0; i < SLOTS; i++) {
        char *path = atomic_load(&slots[i]);
        if (path) unlink(path);
    }
    // The default action, so that the parent sees the process ended by this signal (a shell's
    // loop stops on Ctrl-C; the exit status is 128 + sig).
    signal(sig, SIG_DFL);
    raise(sig);
}

void ctf_install_handlers(void) {
    static atomic_flag installed = ATOMIC_FLAG_INIT;
    if (atomic_flag_test_and_set(&installed)) return;
    const int ending[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++) {
        struct sigaction old;
        if (sigaction(ending[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = remove_and_end;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(ending[i], &action, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}
