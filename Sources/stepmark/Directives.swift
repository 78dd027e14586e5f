import ArgumentParser
import StepmarkLesson
import StepmarkRender

struct Directives: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directives",
        abstract: "List the directives, or show one with its arguments, sub-steps and an example."
    )

    @Argument(help: "A directive name.")
    var name: String?

    func run() throws {
        guard let name else {
            let width = DirectiveRegistry.descriptions.map { $0.name.count }.max() ?? 0
            for d in DirectiveRegistry.descriptions {
                print(Format.pad(d.name, to: width + 2, right: false) + d.summary)
            }
            print("\nEvery directive also takes: " + commonArguments.map(\.name).joined(separator: ", "))
            print("Expression functions: " + Evaluator.functions.map(\.name).joined(separator: ", "))
            print("Run 'stepmark directives NAME' for one directive's arguments and an example.")
            return
        }
        guard let d = DirectiveRegistry.descriptions.first(where: { $0.name == name }) else {
            let names = DirectiveRegistry.descriptions.map(\.name)
            let hint = suggestion(for: name, among: names).map { "; did you mean '\($0)'?" } ?? "."
            printError("error: unknown directive '\(name)'\(hint) Directives: \(names.joined(separator: ", "))")
            throw ExitCode(2)
        }
        print("\(d.name) — \(d.summary)\n")
        print("Body: \(d.body)\n")
        print("Arguments:")
        if d.arguments.isEmpty { print("  (none of its own)") }
        let width = (d.arguments + commonArguments).map { $0.name.count + ($0.defaultValue.map { $0.count + 1 } ?? 0) }.max() ?? 0
        func line(_ a: ArgumentSpec) -> String {
            let key = a.name + (a.defaultValue.map { "=" + $0 } ?? "")
            return "  " + Format.pad(key, to: width + 2, right: false) + a.help
        }
        for a in d.arguments { print(line(a)) }
        print("\nCommon arguments:")
        for a in commonArguments { print(line(a)) }
        print("\nSub-steps: \(d.subSteps)\n")
        print("Example:\n\n\(d.example)")
    }
}
