// Temporary files removed when a signal ends the process. `ReplacingWrite` writes every page
// and grade to `.NAME.tmp-…` beside its target and renames it into place; Ctrl-C (or a kill)
// in the middle of a large page would otherwise leave that file behind in the user's folder.
// A signal handler may only call async-signal-safe functions (`unlink`, `signal`, `raise`), and
// may run on any thread at any moment, so the registry is a fixed table of atomic pointers in C.
#ifndef CTEMPORARYFILES_H
#define CTEMPORARYFILES_H

/// Installs the handlers once: SIGINT, SIGTERM, SIGHUP and SIGQUIT remove every registered file,
/// then end the process as the signal would have (default action, raised again); SIGXFSZ
/// (`ulimit -f` exceeded) is ignored, so the write fails with EFBIG and is reported as an error
/// like any other. A signal whose action is "ignore" when this is called (`nohup`) stays ignored.
void ctf_install_handlers(void);

/// Registers `path` (copied) for removal on a signal. Returns its slot, or −1 when the table is
/// full or the copy failed (the file is then simply not removed on a signal).
int ctf_register(const char *path);

/// Forgets a slot returned by `ctf_register` (the file was renamed or removed). −1 is ignored.
void ctf_forget(int slot);

#endif
