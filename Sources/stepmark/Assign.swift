import ArgumentParser
import Foundation
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the assignment (student) version of a teacher's key.",
        discussion: """
            The assignment is the key's source, byte for byte, except that every answer block's \
            body becomes a ? template of the expected shape (? for a number or a text, [?, ?, ?] \
            for a list or a token list, one [?, ?] row per line for a matrix) and every \
            <!-- solution --> … <!-- end solution --> region is removed. It is written to \
            OUT/<key's file name>, atomically; the key itself is never overwritten.

            Exit status: 0 written; 1 the key has failing steps or its own answers fail their \
            check (nothing is written unless --force); 2 bad usage, an unreadable key, or an \
            output that would overwrite the key or cannot be written.

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

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons)") var limits: LimitOptions

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a folder name, not an empty one") }
        if keys.isEmpty { throw ValidationError("name at least one key") }
        let names = keys.map { ($0 as NSString).lastPathComponent }
        if Set(names).count != names.count {
            throw ValidationError("two keys have the same file name; their assignments would overwrite each other in \(out)")
        }
    }

    func run() throws {
        var failed = false
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
            for e in assignment.keyErrors { printError("\(key):\(e.line):\(e.column): error: \(e.message)") }
            if !assignment.keyErrors.isEmpty && !force {
                printError("error: \(key) has errors; not writing its assignment (fix the key, or pass --force)")
                failed = true
                continue
            }
            do {
                try AtomicFile.write(assignment.text, to: target)
            } catch let e as ReadError {
                printError("error: \(e)")
                throw ExitCode(2)
            }
            print("wrote \(target)")
        }
        if failed { throw ExitCode(1) }
    }
}
