// C shim for ncursesw. SwiftPM drops pkg-config's cflags, so the wide-character API must be
// switched on here, before the include, or Swift sees no wint_t, wget_wch, cchar_t, setcchar.
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

// Not exposed by Swift's Glibc module.
extern int wcwidth(wchar_t c);

// MARK: - Globals (Swift 6 rejects direct use of mutable C globals)

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_LINES(void) { return LINES; }
static inline int cn_COLS(void) { return COLS; }
static inline int cn_COLORS(void) { return COLORS; }
static inline int cn_COLOR_PAIRS(void) { return COLOR_PAIRS; }
static inline FILE *cn_stdin(void) { return stdin; }
static inline FILE *cn_stdout(void) { return stdout; }
static inline FILE *cn_stderr(void) { return stderr; }

// MARK: - Macros

static inline int cn_getmaxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int cn_getmaxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }
static inline int cn_KEY_F(int n) { return KEY_F(n); }
static inline int cn_CCHARW_MAX(void) { return CCHARW_MAX; }

static inline attr_t cn_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t cn_A_BOLD(void) { return A_BOLD; }
static inline attr_t cn_A_DIM(void) { return A_DIM; }
static inline attr_t cn_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t cn_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t cn_A_STANDOUT(void) { return A_STANDOUT; }
static inline attr_t cn_WA_BOLD(void) { return WA_BOLD; }
static inline attr_t cn_WA_DIM(void) { return WA_DIM; }
static inline attr_t cn_WA_REVERSE(void) { return WA_REVERSE; }
static inline attr_t cn_WA_UNDERLINE(void) { return WA_UNDERLINE; }
static inline int cn_COLOR_PAIR(int n) { return COLOR_PAIR(n); }

static inline chtype cn_ACS_HLINE(void) { return ACS_HLINE; }
static inline chtype cn_ACS_VLINE(void) { return ACS_VLINE; }
static inline chtype cn_ACS_ULCORNER(void) { return ACS_ULCORNER; }
static inline chtype cn_ACS_URCORNER(void) { return ACS_URCORNER; }
static inline chtype cn_ACS_LLCORNER(void) { return ACS_LLCORNER; }
static inline chtype cn_ACS_LRCORNER(void) { return ACS_LRCORNER; }
static inline const cchar_t *cn_WACS_HLINE(void) { return WACS_HLINE; }
static inline const cchar_t *cn_WACS_VLINE(void) { return WACS_VLINE; }
static inline const cchar_t *cn_WACS_ULCORNER(void) { return WACS_ULCORNER; }
static inline const cchar_t *cn_WACS_URCORNER(void) { return WACS_URCORNER; }
static inline const cchar_t *cn_WACS_LLCORNER(void) { return WACS_LLCORNER; }
static inline const cchar_t *cn_WACS_LRCORNER(void) { return WACS_LRCORNER; }

static inline mmask_t cn_BUTTON1_PRESSED(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_BUTTON1_RELEASED(void) { return BUTTON1_RELEASED; }
static inline mmask_t cn_BUTTON1_CLICKED(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_BUTTON1_DOUBLE_CLICKED(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t cn_BUTTON2_CLICKED(void) { return BUTTON2_CLICKED; }
static inline mmask_t cn_BUTTON3_CLICKED(void) { return BUTTON3_CLICKED; }
static inline mmask_t cn_BUTTON3_PRESSED(void) { return BUTTON3_PRESSED; }
static inline mmask_t cn_BUTTON4_PRESSED(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_BUTTON5_PRESSED(void) { return BUTTON5_PRESSED; }
static inline mmask_t cn_ALL_MOUSE_EVENTS(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t cn_REPORT_MOUSE_POSITION(void) { return REPORT_MOUSE_POSITION; }

// MARK: - Locale

static inline int cn_LC_CTYPE_MASK(void) { return LC_CTYPE_MASK; }

/// True when the current LC_CTYPE encodes UTF-8 (decides Unicode or ASCII line drawing).
static inline int cn_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/// wcwidth evaluated in a fixed UTF-8 locale, whatever the process locale is, so display widths
/// do not depend on setlocale having been called (tests) and are safe from any thread.
static inline int cn_wcwidth_in(locale_t loc, wchar_t c) {
    if (loc == (locale_t)0) { return wcwidth(c); }
    locale_t previous = uselocale(loc);
    int width = wcwidth(c);
    uselocale(previous);
    return width;
}

// MARK: - Restoring the terminal from a signal handler
//
// Only async-signal-safe calls (write, tcsetattr, signal, raise, _exit). The state is a static
// local of a static inline function, so install and uninstall must be called from ONE Swift
// file (each Swift file that calls a static inline function gets its own copy of its statics).

struct cn_restore_state {
    struct termios saved_termios;
    int saved_termios_valid;
    char sequence[512];
    size_t sequence_length;
    /// Set while a secret is on the screen: a signal first clears the screen and the scrollback,
    /// and the exit is left to the program (which records that the secret was never acknowledged).
    volatile sig_atomic_t secret_shown;
    volatile sig_atomic_t pending_signal;
    /// Set by SIGCONT: the program repaints everything (the screen may have been written meanwhile).
    volatile sig_atomic_t continued;
    char scrub[64];
    size_t scrub_length;
};

// Function-local static: Swift's importer emits it with the function (a file-scope static in
// a header is not emitted and fails to link).
static inline struct cn_restore_state *cn_restore_state(void) {
    static struct cn_restore_state state;
    return &state;
}

static inline void cn_restore_terminal_now(void) {
    struct cn_restore_state *state = cn_restore_state();
    if (state->secret_shown && state->scrub_length > 0) {
        ssize_t ignored = write(STDOUT_FILENO, state->scrub, state->scrub_length);
        (void)ignored;
    }
    if (state->sequence_length > 0) {
        ssize_t ignored = write(STDOUT_FILENO, state->sequence, state->sequence_length);
        (void)ignored;
    }
    if (state->saved_termios_valid) { tcsetattr(STDIN_FILENO, TCSAFLUSH, &state->saved_termios); }
}

/// SIGINT, SIGTERM, SIGHUP: restore and exit with 128 + signo, as a shell would report it.
/// With a secret on the screen, the screen is scrubbed and the exit is deferred to the program,
/// which polls `cn_take_pending_signal` at least every 250 ms.
static inline void cn_exit_signal_handler(int signo) {
    struct cn_restore_state *state = cn_restore_state();
    cn_restore_terminal_now();
    if (state->secret_shown) {
        state->secret_shown = 0;
        state->pending_signal = signo;
        return;
    }
    _exit(128 + signo);
}

static inline void cn_continue_signal_handler(int signo) {
    (void)signo;
    cn_restore_state()->continued = 1;
}

static inline void cn_set_secret_shown(int shown, const char *scrub, size_t length) {
    struct cn_restore_state *state = cn_restore_state();
    if (length > sizeof(state->scrub)) { length = sizeof(state->scrub); }
    memcpy(state->scrub, scrub, length);
    state->scrub_length = length;
    state->secret_shown = shown;
}

static inline int cn_take_pending_signal(void) {
    struct cn_restore_state *state = cn_restore_state();
    int signo = state->pending_signal;
    state->pending_signal = 0;
    return signo;
}

static inline int cn_take_continued(void) {
    struct cn_restore_state *state = cn_restore_state();
    int continued = state->continued;
    state->continued = 0;
    return continued;
}

/// No core dump can hold a secret: not dumpable (also refuses ptrace by other processes of the
/// user) and a core size limit of 0.
static inline int cn_disable_core_dumps(void) {
    struct rlimit none = { 0, 0 };
    int failed = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0;
    failed |= setrlimit(RLIMIT_CORE, &none) != 0;
    return failed ? -1 : 0;
}

/// Crashes (SIGSEGV, SIGABRT, SIGILL, SIGTRAP...): restore, then re-raise with the default
/// action so the crash is still reported (and dumped) as a crash.
static inline void cn_crash_signal_handler(int signo) {
    cn_restore_terminal_now();
    signal(signo, SIG_DFL);
    raise(signo);
}


/// Saves the terminal modes as the shell left them. Call before newterm(), which already
/// changes them.
static inline void cn_save_terminal_modes(void) {
    struct cn_restore_state *state = cn_restore_state();
    state->saved_termios_valid = (tcgetattr(STDIN_FILENO, &state->saved_termios) == 0);
}

/// Stores the bytes that undo what curses sent (leave the alternate screen, show the cursor,
/// reset attributes...), then installs the handlers.
static inline void cn_install_restore_handlers(const char *sequence, size_t length) {
    struct cn_restore_state *state = cn_restore_state();
    if (length > sizeof(state->sequence)) { length = sizeof(state->sequence); }
    memcpy(state->sequence, sequence, length);
    state->sequence_length = length;

    struct sigaction action;
    memset(&action, 0, sizeof(action));
    sigemptyset(&action.sa_mask);
    action.sa_handler = cn_exit_signal_handler;
    const int exit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    for (size_t i = 0; i < sizeof(exit_signals) / sizeof(int); i++) { sigaction(exit_signals[i], &action, NULL); }
    action.sa_handler = cn_crash_signal_handler;
    action.sa_flags = SA_RESETHAND;
    const int crash_signals[] = { SIGSEGV, SIGABRT, SIGILL, SIGTRAP, SIGBUS, SIGFPE };
    for (size_t i = 0; i < sizeof(crash_signals) / sizeof(int); i++) { sigaction(crash_signals[i], &action, NULL); }
    action.sa_handler = cn_continue_signal_handler;
    action.sa_flags = SA_RESTART;
    sigaction(SIGCONT, &action, NULL);
}

static inline void cn_uninstall_restore_handlers(void) {
    cn_restore_state()->sequence_length = 0;
    cn_restore_state()->saved_termios_valid = 0;
    cn_restore_state()->secret_shown = 0;
    const int all_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGCONT };
    for (size_t i = 0; i < sizeof(all_signals) / sizeof(int); i++) { signal(all_signals[i], SIG_DFL); }
}

/// A terminfo string capability, or NULL when the terminal lacks it (hides the (char *)-1 case).
static inline const char *cn_tigetstr(const char *name) {
    char *value = tigetstr(name);
    if (value == NULL || value == (char *)-1) { return NULL; }
    return value;
}

#endif
