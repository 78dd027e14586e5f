import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// `render --format pdf`: a lesson's HTML page printed by Debian's Chromium (package
/// `chromium`), headless, as the browser's own "Print to PDF" would (the page's `@media print`
/// rules, `HTMLPrint.css`). The page is written to a fresh temporary folder that also holds
/// the browser's profile and home, Chromium runs in its own process group with no network
/// (every host name resolves to nothing, a dead proxy) and at most `timeout` seconds, and the
/// PDF it leaves is checked and handed back; the folder is removed in every case.
public enum PDFPrinter {
    /// The Debian package that provides the browser.
    public static let package = "chromium"
    /// The names the browser's program has (Debian: `chromium`; Ubuntu and older: `chromium-browser`).
    public static let programs = ["chromium", "chromium-browser"]

    /// The browser's path: the first of `programs` found on `PATH`.
    public static func browser(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in programs {
            for folder in folders where !folder.isEmpty {
                let candidate = folder + "/" + name
                if access(candidate, X_OK) == 0 { return candidate }
            }
        }
        return nil
    }

    /// The message when no browser is installed: names the package.
    public static var missingBrowser: String {
        "PDF output needs Chromium: neither chromium nor chromium-browser is on PATH; install Debian's package '\(package)' (apt-get install \(package))"
    }

    /// Prints `html` (a complete page) and writes the PDF to `path` atomically.
    /// - Throws: `ReadError` naming `path`: no browser, a browser that failed or ran out of
    ///   time, or a file that could not be written.
    public static func print(html: String, to path: String, timeout: Double = 90) throws {
        let bytes = try pdf(html: html, for: path, timeout: timeout)
        try AtomicFile.write(bytes: bytes, to: path)
    }

    /// The PDF of `html`; `target` only names the file in errors. `program` replaces the
    /// browser found on `PATH` (tests).
    public static func pdf(html: String, for target: String, timeout: Double = 90, program: String? = nil) throws -> [UInt8] {
        guard let browser = program ?? browser() else { throw ReadError(path: target, message: missingBrowser) }
        var template = Array(((ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/stepmark-pdf-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ReadError(path: target, message: "cannot make a temporary folder: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = folder + "/page.html", output = folder + "/page.pdf", log = folder + "/browser.log"
        do throws(ReplacingWrite.Failure) {
            try ReplacingWrite.write(html, to: page, durable: false)
        } catch {
            throw ReadError(path: target, message: "cannot write the page to print: \(error.reason)")
        }
        var arguments = [
            browser, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-sync", "--disable-background-networking",
            "--disable-component-update", "--disable-default-apps", "--disable-breakpad",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
            "--user-data-dir=\(folder)/profile", "--no-pdf-header-footer",
            "--print-to-pdf=\(output)", URL(fileURLWithPath: page).absoluteString,
        ]
        // Chromium's sandbox refuses to start as root.
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 2) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = folder
        environment["XDG_CONFIG_HOME"] = folder + "/config"
        environment["XDG_CACHE_HOME"] = folder + "/cache"
        let outcome = run(arguments, environment: environment, log: log, timeout: timeout)
        let detail = lastLine(of: log)
        switch outcome {
        case .timedOut:
            throw ReadError(path: target, message: "\(browser) did not finish printing within \(Int(timeout)) s")
        case .failedToStart(let reason):
            throw ReadError(path: target, message: "cannot start \(browser): \(reason)")
        case .exited(let status) where status != 0:
            throw ReadError(path: target, message: "\(browser) failed (exit status \(status))" + (detail.map { ": \($0)" } ?? ""))
        case .exited:
            break
        }
        guard let data = FileManager.default.contents(atPath: output), data.starts(with: Array("%PDF-".utf8)) else {
            throw ReadError(path: target, message: "\(browser) wrote no PDF" + (detail.map { ": \($0)" } ?? ""))
        }
        return [UInt8](data)
    }

    enum Outcome { case exited(Int32), timedOut, failedToStart(String) }

    /// Runs `arguments` in a new process group (Chromium starts helpers; the whole group is
    /// killed on a timeout, and after the browser exits), stdin from /dev/null and stdout and
    /// stderr into `log`.
    static func run(_ arguments: [String], environment: [String: String], log: String, timeout: Double) -> Outcome {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        // ETXTBSY: a program just written (a test's stand-in) is still open for writing in a
        // child another thread is starting; it closes at that child's exec.
        for _ in 0..<20 where spawned == ETXTBSY {
            usleep(25_000)
            spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        }
        guard spawned == 0 else { return .failedToStart(String(cString: strerror(spawned))) }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { break }
            if Date() >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return .timedOut
            }
            usleep(20_000)
        }
        // Helpers that outlive the browser (they should not) go with it.
        kill(-pid, SIGKILL)
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .exited(128 + (status & 0x7f))
    }

    /// The last line of the browser's output that is not a known harmless complaint (D-Bus,
    /// which a headless browser does not need), for an error message.
    static func lastLine(of log: String) -> String? {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").map { $0.trimmingHorizontalWhitespace() }
            .last { !$0.isEmpty && !$0.contains("dbus") && !$0.contains("bytes written to file") }
    }
}
