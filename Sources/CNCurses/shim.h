#ifndef RETOUR_CNCURSES_SHIM_H
#define RETOUR_CNCURSES_SHIM_H

// SwiftPM drops the -D flags of ncursesw.pc, so the wide-character API is enabled here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Not visible through Glibc from Swift.
int wcwidth(wchar_t c);

// C globals and macros that Swift 6 cannot import directly.
static inline WINDOW *retour_stdscr(void) { return stdscr; }
static inline int retour_lines(void) { return LINES; }
static inline int retour_cols(void) { return COLS; }
static inline int retour_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t retour_a_normal(void) { return A_NORMAL; }
static inline attr_t retour_a_bold(void) { return A_BOLD; }
static inline attr_t retour_a_reverse(void) { return A_REVERSE; }
static inline attr_t retour_a_underline(void) { return A_UNDERLINE; }
static inline attr_t retour_a_dim(void) { return A_DIM; }
static inline int retour_key_code_yes(void) { return KEY_CODE_YES; }
static inline int retour_err(void) { return ERR; }

// Draws one cell: a base character plus up to four combining marks, with attributes.
static inline int retour_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

// Signals. A termination request only sets a flag that the input loop reads, so the
// program can save and restore the terminal from the main thread. A crash restores the
// terminal and then dies with the original signal.
static volatile sig_atomic_t retour_termination_signal = 0;

static inline void retour_on_termination(int sig) { retour_termination_signal = sig; }

// Bracketed paste (xterm, PuTTY, tmux): the terminal marks pasted text, so that an escape
// sequence inside it is never read as keys.
#define RETOUR_PASTE_ON "\033[?2004h"
#define RETOUR_PASTE_OFF "\033[?2004l"
static inline void retour_bracketed_paste(int on) {
    const char *sequence = on ? RETOUR_PASTE_ON : RETOUR_PASTE_OFF;
    (void)!write(STDOUT_FILENO, sequence, strlen(sequence));
}
static inline int retour_define_paste_keys(int start, int end) {
    return define_key("\033[200~", start) == OK && define_key("\033[201~", end) == OK;
}

static inline void retour_on_crash(int sig) {
    if (!isendwin()) endwin();
    retour_bracketed_paste(0);
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void retour_install_signal_handlers(void) {
    struct sigaction term;
    memset(&term, 0, sizeof term);
    term.sa_handler = retour_on_termination;
    sigemptyset(&term.sa_mask);
    sigaction(SIGTERM, &term, NULL);
    sigaction(SIGINT, &term, NULL);
    sigaction(SIGHUP, &term, NULL);

    struct sigaction crash;
    memset(&crash, 0, sizeof crash);
    crash.sa_handler = retour_on_crash;
    sigemptyset(&crash.sa_mask);
    crash.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &crash, NULL);
    sigaction(SIGBUS, &crash, NULL);
    sigaction(SIGILL, &crash, NULL);
    sigaction(SIGFPE, &crash, NULL);
    sigaction(SIGABRT, &crash, NULL);
    sigaction(SIGTRAP, &crash, NULL);
}

static inline int retour_pending_termination(void) { return retour_termination_signal; }

#endif
