import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Write the assignment (student) version of a teacher's key.",
        discussion: """
            The assignment is the key's source, byte for byte, except that every answer block's \
            body becomes a ? template of the expected shape (? for a number or a text, [?, ?, ?] \
            for a list or a token list, one [?, ?] row per line for a matrix) and every \
            <!-- solution --> … <!-- end solution --> region is removed. It is written to \
            OUT/<key's file name>, atomically; the key itself is never overwritten.

            A file already at the output path is replaced only when it is an assignment \
            (its front matter says variant:), unless --overwrite: a lesson or another key \
            there is kept.

            Exit status: 0 written; 1 the key has failing steps or its own answers fail their \
            check (nothing is written unless --force); 2 bad usage, an unreadable key, or an \
            output that would overwrite the key, a lesson or another file, or cannot be written.

            Example:
              stepmark assign lessons/en/01-attention.md --out assignments
            """
    )

    @Argument(help: "Teacher keys (lessons with exercises and answers).", completion: .file(extensions: ["md"]))
    var keys: [String]

    @Option(help: "The output folder.")
    var out: String

    @Flag(help: "Write the assignment even when the key has errors.")
    var force = false

    @Flag(help: "Replace files in OUT that are not assignments stepmark wrote (a lesson, a key, notes).")
    var overwrite = false

    @Option(help: ArgumentHelp("A class roster (CSV with the columns id and name): one assignment per student, each with its own variant, in OUT/<id>/.", valueName: "roster.csv"))
    var variants: String?

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    static let variantsList = "variants.csv"

    /// Refuses, before anything is written, a target that holds something other than an
    /// assignment: `assign en/01.md --out ko` replaced the Korean key ko/01.md (a red-team
    /// pass). An assignment (front matter with `variant:`) is stepmark's to replace, and so is
    /// the variants list at `listAt`; anything else only with --overwrite. A target that is not
    /// a regular file (a folder, a link) is always refused.
    func refuseUnownedTargets(_ targets: [String], listAt list: String? = nil) throws {
        // The record is written after the assignments: one that cannot be (a folder in its
        // place) would fail the run after replacing them. Checked first.
        let recordPath = FilePathText.join(out, AssignmentRecord.fileName)
        var info = stat()
        if lstat(recordPath, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw ReadError(path: recordPath, message: "is not a regular file, so assign cannot record what it writes; remove it")
        }
        // Read once for all targets: each folder's record, and each key's answer ids.
        var records: [String: AssignmentRecord] = [:]
        var answerIDs: [String: Set<String>?] = [:]
        for target in targets {
            let isList = target == list
            var answered = false, changed = false
            switch OutputOwnership.mayReplace(target, allowUnowned: overwrite, maxBytes: isList ? 64 << 20 : 16 << 20, isOwn: { bytes in
                if isList && String(decoding: bytes.prefix(64), as: UTF8.self).hasPrefix("id,name,variant,file") { return true }
                // What assign wrote, still as it wrote it, is its own; anything changed since is
                // the student's, wherever the change is (notes, a name, their own steps).
                if let written = AssignmentRecord.recordedHash(for: target, records: &records) {
                    changed = written != AssignmentRecord.fingerprint(bytes)
                    return !changed
                }
                let text = String(decoding: bytes, as: UTF8.self)
                guard case .number = Variant.declaration(in: text) else { return false }
                // An assignment a student has filled in is their work, not ours to replace.
                let name = FilePathText.lastComponent(target)
                if answerIDs[name] == nil {
                    answerIDs[name] = keys.first { FilePathText.lastComponent($0) == name }.flatMap { Assignment.answerIDs(ofKey: $0, limits: limits.limits) }
                }
                let ids = answerIDs[name] ?? nil
                answered = !(ids.map { Assignment.isUnanswered(text, answerIDs: $0, limits: limits.limits) } ?? false)
                return !answered
            }) {
            case .allowed: continue
            case .notARegularFile:
                throw ReadError(path: target, message: "is not a regular file; refusing to replace it")
            case .notOwn where changed:
                throw ReadError(path: target, message: "was changed after stepmark assign wrote it (a student's answers or notes?); refusing to replace it. Choose another --out folder, or pass --overwrite to replace it")
            case .notOwn where answered:
                throw ReadError(path: target, message: "is an assignment with answers filled in (a student's work?); assign replaces only assignments whose answers are all still ?. Choose another --out folder, or pass --overwrite to replace it")
            case .notOwn:
                throw ReadError(path: target, message: "exists and is not an assignment stepmark wrote (its front matter has no variant:), so it may be a lesson or a key; refusing to overwrite it. Choose another --out folder, or pass --overwrite to replace it")
            }
        }
    }

    /// Adds what was just written to the folder's record (`AssignmentRecord`).
    func remember(_ text: String, at target: String) throws { try remember([(target, text)]) }

    func remember(_ files: [(path: String, text: String)]) throws {
        try AssignmentRecord.remember(files, in: out)
    }

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a folder name, not an empty one") }
        if keys.isEmpty { throw ValidationError("name at least one key") }
        let names = keys.map { FilePathText.lastComponent($0) }
        if Set(names).count != names.count {
            throw ValidationError("two keys have the same file name; their assignments would overwrite each other in \(out)")
        }
    }

    func run() throws {
        if let variants {
            try runVariants(roster: variants)
            return
        }
        do {
            try refuseUnownedTargets(keys.map { try Assignment.outputPath(forKey: $0, in: out) })
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        var failed = false, notAKey = false
        for key in keys {
            let assignment: Assignment
            let target: String
            do {
                target = try Assignment.outputPath(forKey: key, in: out)
                assignment = try Assignment.make(keyPath: key, limits: limits.limits)
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
            for w in assignment.warnings { printError("\(key): warning: \(w)") }
            for e in assignment.keyErrors { printError(problemLine(key, e, "error", assignment.language)) }
            // The wrong file, not a key with errors: not even --force writes it (exit 2).
            if assignment.keyIsAssignment { notAKey = true; continue }
            if !assignment.readsAsAssignment {
                printError("error: \(key): its assignment would not read as one (its values would show); not writing it, even with --force")
                failed = true
                continue
            }
            if !assignment.keyErrors.isEmpty && !force {
                printError("error: \(key) has errors; not writing its assignment (fix the key, or pass --force)")
                failed = true
                continue
            }
            do {
                try AtomicFile.write(assignment.text, to: target)
                try remember(assignment.text, at: target)
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
            say("wrote \(target)")
        }
        if notAKey { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }

    /// One assignment per student and key, in OUT/<id>/<key's file name>, with the student's
    /// variant in its front matter; and OUT/variants.csv listing who got which.
    private func runVariants(roster path: String) throws {
        let roster: Roster
        do {
            roster = try Roster.read(path: path, limits: limits.limits)
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        // The roster refused ids that would share a folder; two names of assign's own are left.
        for reserved in [Self.variantsList, AssignmentRecord.fileName] {
            // Letter case aside: on macOS or Windows `Variants.csv` is the same file.
            if let student = roster.students.first(where: { Roster.folderName(for: $0.id).lowercased() == reserved.lowercased() }) {
                printError("error: the id '\(Roster.shown(student.id))' would be a folder named \(reserved), \(reserved == Self.variantsList ? "the list of who got which variant" : "assign's record of what it wrote"); rename that id in the roster")
                throw ExitCode(2)
            }
        }
        for (a, b) in roster.foldersDifferingOnlyInCase.prefix(5) {
            printError("warning: the ids '\(Roster.shown(a))' and '\(Roster.shown(b))' differ only in letter case: on a file system that ignores case (macOS, Windows) their folders are one, and one assignment would replace the other")
        }
        do {
            try refuseUnownedTargets(keys.flatMap { key in
                try roster.students.map { try Assignment.outputPath(forKey: key, in: FilePathText.join(out, Roster.folderName(for: $0.id))) }
            } + [FilePathText.join(out, Self.variantsList)], listAt: FilePathText.join(out, Self.variantsList))
        } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        var list = CSV.row(["id", "name", "variant", "file"])
        var written: [(path: String, text: String)] = []
        // Recorded however the run ends: a run that stops part-way (a missing second key) has
        // replaced files, and a record without them would call them changed by students.
        defer { try? remember(written) }
        var failed = false, notAKey = false
        for key in keys {
            // The key checks itself once, with its own numbers (variant 0).
            let base: Assignment
            do {
                base = try Assignment.make(keyPath: key, limits: limits.limits)
                for e in base.keyErrors { printError(problemLine(key, e, "error", base.language)) }
                if base.keyIsAssignment { notAKey = true; continue }
                if !base.readsAsAssignment {
                    printError("error: \(key): its assignments would not read as such (their values would show); not writing them, even with --force")
                    failed = true
                    continue
                }
                if !base.keyErrors.isEmpty && !force {
                    printError("error: \(key) has errors; not writing its assignments (fix the key, or pass --force)")
                    failed = true
                    continue
                }
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
            for student in roster.students {
                let folder = FilePathText.join(out, Roster.folderName(for: student.id))
                let assignment: Assignment
                let target: String
                do {
                    target = try Assignment.outputPath(forKey: key, in: folder)
                    // Run again only when the key reads `variant`: else it is the same lesson.
                    if let same = base.stamped(variant: student.variant) {
                        assignment = same
                    } else {
                        assignment = try Assignment.make(keyPath: key, limits: limits.limits, variant: student.variant)
                    }
                } catch let e as ReadError {
                    printError("error: \(e)")
                    throw ExitCode(2)
                }
                if !assignment.readsAsAssignment || (!assignment.keyErrors.isEmpty && !force) {
                    for e in assignment.keyErrors { printError("\(key):\(e.line):\(e.column): error (variant \(student.variant)): \(e.message)") }
                    printError("error: \(key) has errors for variant \(student.variant) (student \(student.id)); not writing it (fix the key, or pass --force)")
                    failed = true
                    continue
                }
                do {
                    try AtomicFile.write(assignment.text, to: target)
                    written.append((target, assignment.text))
                } catch let e as ReadError {
                    printError("error: \(e)")
                    throw ExitCode(2)
                } catch {
                    printError("error: cannot create \(folder): \(error)")
                    throw ExitCode(2)
                }
                list += CSV.row([student.id, student.name, String(student.variant), target])
            }
        }
        // A run that wrote no assignment (every key refused) leaves the list as it was: it is
        // what grade --roster reads, and a header alone would lose the class's variants.
        if !written.isEmpty {
            do {
                try AtomicFile.write(list, to: FilePathText.join(out, Self.variantsList))
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
        }
        // What was written: a key refused above wrote none (it said "1 assignment per key").
        say("wrote \(written.count) assignment\(written.count == 1 ? "" : "s") into \(out)" + (written.isEmpty ? "" : " (list: \(out)/variants.csv)"))
        if notAKey { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }
}
