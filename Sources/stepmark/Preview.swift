import ArgumentParser
import Dispatch
import FoundationEssentials
import StepmarkCore
import StepmarkGrade
import StepmarkLesson
import StepmarkPreview
import StepmarkRender

struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the rendered lessons on 127.0.0.1 and reload the page when a lesson or a file it reads changes.",
        discussion: """
            The pages are the teacher's view, rendered in memory (nothing is written). Lessons, \
            the files they load (load(), from=, images) and new lessons are watched with inotify; \
            only what changed is re-rendered, and open pages reload themselves (Server-Sent \
            Events). Errors show over the page with file:line:column. Ctrl-C stops.

            Examples:
              stepmark preview lessons                 # http://127.0.0.1:8000/
              stepmark preview lessons/en/01-attention.md --port 0
              stepmark preview lessons --present       # one sub-step at a time, large type
            """
    )

    @Argument(help: "A lesson file or a folder of lessons (default: lessons/ when it exists, else the current folder).",
              completion: .file())
    var path: String?

    @Option(help: ArgumentHelp("The port on 127.0.0.1; 0 picks a free one.", valueName: "n"))
    var port: Int = 8000

    @Flag(help: "Presenter mode: one sub-step at a time in large type (→/Space next, ← back, n/p next/previous block, Esc leaves).")
    var present = false

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
    }

    var root: String {
        if let path { return path }
        var isDirectory = false
        return FileManager.default.fileExists(atPath: "lessons", isDirectory: &isDirectory) && isDirectory ? "lessons" : "."
    }

    func run() throws {
        unblockStopSignals()
        let plan: CoursePlan
        do {
            // Nothing is written: `out` is a path that can never be a folder.
            plan = try CoursePlan.make(paths: [root], out: "/dev/null/stepmark-preview")
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        let adapter = RenderAdapter(limits: limits.limits)
        let root = self.root
        let site = PreviewSite(adapter: adapter, lessons: plan.lessons.map { ($0.source, $0.relative) }, roots: plan.roots,
                               courses: plan.courses) {
            let again = try CoursePlan.make(paths: [root], out: "/dev/null/stepmark-preview")
            return (again.lessons.map(\.relative), again.courses)
        }
        for lesson in site.allLessons {
            for e in lesson.errors { printError("error: \(e)") }
        }

        let watcher: FileWatcher
        do {
            watcher = try FileWatcher()
            let folders = plan.roots.isEmpty ? [FilePathText.parent(root)] : plan.roots
            for folder in folders { try watcher.watchTree(folder.isEmpty ? "." : folder) }
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }

        let hub = ReloadHub()
        let server = PreviewServer(site: site, hub: hub, options: .init(port: UInt16(port), present: present))
        let running: PreviewServer.Running
        do {
            running = try server.start()
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let count = site.allLessons.count
        say("stepmark preview: http://127.0.0.1:\(running.port)/ (\(count) lesson\(count == 1 ? "" : "s")\(present ? ", presenter mode" : ""); Ctrl-C stops)")

        watcher.start { changed in
            let update = site.apply(changed: changed)
            for problem in update.problems { printError("error: \(problem)") }
            guard !update.pages.isEmpty else { return }
            for page in update.pages { hub.send(page: page) }
            let lessons = update.pages.filter { $0 != "index" }
            let errors = lessons.compactMap { site.lesson($0)?.errors.count }.reduce(0, +)
            say("re-rendered \(update.pages.joined(separator: ", ")) in \(DecimalFormat.fixed(update.milliseconds, digits: 0)) ms"
                  + (errors > 0 ? " (\(errors) error\(errors == 1 ? "" : "s"))" : ""))
            for page in lessons { for e in site.lesson(page)?.errors ?? [] { printError("error: \(e)") } }
        }

        // Ctrl-C and SIGTERM end the wait below; the default handlers are replaced so that the
        // server can close its connections first.
        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        // A comment every 15 s drops connections whose page was closed without a goodbye.
        let heartbeat = DispatchSource.makeTimerSource(queue: .global())
        heartbeat.schedule(deadline: .now() + 15, repeating: 15)
        heartbeat.setEventHandler { hub.heartbeat() }
        heartbeat.resume()

        stop.wait()
        heartbeat.cancel()
        watcher.stop()
        hub.close()
        running.stop()
        for s in sources { s.cancel() }
        say("stopped")
    }
}

/// Prints a line at once, even when standard output is a pipe (a test or a log reads it live).
func say(_ line: String) {
    print(ControlCharacters.neutralized(line, keepingSGR: useColor))
    fflush(nil)
}
