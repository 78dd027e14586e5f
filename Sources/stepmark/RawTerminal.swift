#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import StepmarkCore

/// The terminal settings before `RawTerminal.enter()`, for the signal handlers to put back.
/// Written once before any handler is installed; read only after.
nonisolated(unsafe) private var savedSettings = termios()
/// Set by SIGWINCH; the key loop redraws at the new size.
nonisolated(unsafe) private var resized: sig_atomic_t = 0

/// What the terminal gets back on every way out: the saved settings, the cursor shown, the
/// main screen. Async-signal-safe (tcsetattr and write only).
private func restoreTerminal() {
    tcsetattr(0, TCSAFLUSH, &savedSettings)
    let leave = "\u{1B}[?25h\u{1B}[?1049l"
    _ = leave.withCString { write(1, $0, strlen($0)) }
}

/// Single keys from a terminal: canonical mode and echo off (so `b` needs no Enter and arrow
/// keys do not echo `^[[C`), on the alternate screen with the cursor hidden. The terminal is
/// restored by `leave()`, and by a signal handler on SIGINT (Ctrl-C), SIGTERM, SIGHUP and
/// SIGQUIT, which then re-raises the signal so the exit status tells what happened.
enum RawTerminal {
    enum Key: Equatable {
        case right, left, up, down, pageUp, pageDown, home, end
        case character(Character)
        case enter, escape, backspace
        /// The window changed size.
        case resize
        /// End of input (Ctrl-D or the terminal went away).
        case end_
    }

    static func enter() -> Bool {
        guard tcgetattr(0, &savedSettings) == 0 else { return false }
        var raw = savedSettings
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                restoreTerminal()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigaction(sig, &action, nil)
        }
        // No SA_RESTART: a resize interrupts the blocking read so the screen is redrawn at once.
        var winch = sigaction()
        winch.__sigaction_handler.sa_handler = { _ in resized = 1 }
        sigaction(SIGWINCH, &winch, nil)
        guard tcsetattr(0, TCSAFLUSH, &raw) == 0 else { return false }
        put("\u{1B}[?1049h\u{1B}[?25l")
        return true
    }

    static func leave() {
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { signal(sig, SIG_DFL) }
        restoreTerminal()
    }

    /// Writes straight to the terminal (no buffering between frames).
    static func put(_ text: String) {
        _ = ReplacingWrite.writeAll(text, to: STDOUT_FILENO)
    }

    /// The terminal's size in columns and rows (80 × 24 when it cannot be read).
    static var size: (columns: Int, rows: Int) {
        var w = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 { return (Int(w.ws_col), Int(w.ws_row)) }
        return (80, 24)
    }

    private static func readByte(timeoutMilliseconds: Int32? = nil) -> UInt8?? {
        if let timeoutMilliseconds {
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, timeoutMilliseconds) > 0 else { return .some(nil) }
        }
        var byte: UInt8 = 0
        let n = read(0, &byte, 1)
        if n == 1 { return byte }
        if n < 0 && errno == EINTR { return .some(nil) }
        return nil
    }

    /// The next key; escape sequences (`ESC [ C`, `ESC O C`, `ESC [ 5 ~`) become one key.
    static func readKey() -> Key {
        guard let first = readByte() else { return .end_ }
        guard let byte = first else {
            if resized != 0 { resized = 0; return .resize }
            return readKey()
        }
        switch byte {
        case 0x04: return .end_
        case 0x0D, 0x0A: return .enter
        case 0x7F, 0x08: return .backspace
        case 0x1B:
            guard let next = readByte(timeoutMilliseconds: 40), let introducer = next, introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else {
                return .escape
            }
            var parameter: [UInt8] = []
            while let b = readByte(timeoutMilliseconds: 40), let b {
                if (0x40...0x7E).contains(b) {
                    switch (b, parameter) {
                    case (UInt8(ascii: "C"), _): return .right
                    case (UInt8(ascii: "D"), _): return .left
                    case (UInt8(ascii: "A"), _): return .up
                    case (UInt8(ascii: "B"), _): return .down
                    case (UInt8(ascii: "H"), _): return .home
                    case (UInt8(ascii: "F"), _): return .end
                    case (UInt8(ascii: "~"), [UInt8(ascii: "5")]): return .pageUp
                    case (UInt8(ascii: "~"), [UInt8(ascii: "6")]): return .pageDown
                    case (UInt8(ascii: "~"), [UInt8(ascii: "1")]), (UInt8(ascii: "~"), [UInt8(ascii: "7")]): return .home
                    case (UInt8(ascii: "~"), [UInt8(ascii: "4")]), (UInt8(ascii: "~"), [UInt8(ascii: "8")]): return .end
                    default: return .escape
                    }
                }
                parameter.append(b)
                if parameter.count > 16 { break }
            }
            return .escape
        default:
            // A UTF-8 sequence: its continuation bytes follow at once.
            var bytes = [byte]
            let expected = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            while bytes.count < expected, let b = readByte(timeoutMilliseconds: 40), let b { bytes.append(b) }
            return String(decoding: bytes, as: UTF8.self).first.map { .character($0) } ?? .escape
        }
    }
}
