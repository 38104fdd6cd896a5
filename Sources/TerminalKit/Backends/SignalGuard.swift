import CNcursesw

/// Restores the terminal when the process is killed (SIGINT, SIGTERM, SIGHUP, SIGQUIT: exit
/// with 128 + signo) or crashes (restore, then re-raise). The handlers are in the C shim and
/// use only async-signal-safe calls; this file must stay the only caller of the shim's
/// install/uninstall functions, whose state is file-local.
enum SignalGuard {
    /// Remembers the shell's terminal modes. Call before `newterm`, which changes them.
    static func saveTerminalModes() {
        cn_save_terminal_modes()
    }

    /// Call after `newterm` (terminfo is loaded) and `saveTerminalModes()`.
    static func install(restoreSequence: [UInt8]) {
        restoreSequence.withUnsafeBufferPointer { bytes in
            bytes.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    cn_install_restore_handlers($0, bytes.count)
                }
            }
        }
    }

    static func uninstall() {
        cn_uninstall_restore_handlers()
    }

    /// While a secret is on the screen, a terminating signal scrubs the screen and scrollback
    /// (`scrub`) before restoring the terminal, and leaves the exit to the program.
    static func setSecretShown(_ shown: Bool, scrub: [UInt8]) {
        scrub.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cn_set_secret_shown(shown ? 1 : 0, $0.baseAddress, $0.count) }
        }
    }

    /// The terminating signal that arrived while a secret was shown (0: none), once.
    static func takePendingSignal() -> Int32 { cn_take_pending_signal() }

    /// Whether SIGCONT arrived since the last call.
    static func takeContinued() -> Bool { cn_take_continued() != 0 }

    /// The bytes that undo full-screen mode: reset attributes, show the cursor, leave keypad
    /// mode and the alternate screen, stop mouse and paste reporting.
    static func restoreSequence(mouse: Bool, bracketedPaste: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            if let value = cn_tigetstr(capability) { bytes += Array(String(cString: value).utf8) }
        }
        if mouse { bytes += Array("\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1006l".utf8) }
        if bracketedPaste { bytes += Array("\u{1b}[?2004l".utf8) }
        bytes += Array("\r\n".utf8)
        return bytes
    }
}
