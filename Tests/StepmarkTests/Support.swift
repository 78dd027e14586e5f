import Foundation
import StepmarkCore
@testable import StepmarkLesson

/// Runs lesson text as if it were the file `path`, with default limits.
func runLesson(_ markdown: String, path: String = "lesson.md", limits: Limits = .init()) -> Report {
    Runner(limits: limits).run(LessonParser.parse(markdown, path: path))
}

/// Writes files into a fresh temporary folder and returns its path.
func temporaryFolder(_ files: [String: String] = [:]) throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("stepmark-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for (name, content) in files {
        let path = (folder as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return folder
}

extension Report {
    /// The value `name` recorded by step `index` (1-based), as a tensor.
    /// A table whose first column is text and whose other columns are numbers (generate's
    /// candidates) comes back as a tensor labelled by that first column.
    func tensor(step index: Int, _ name: String) -> Tensor? {
        guard let value = steps.first(where: { $0.index == index })?.value(named: name)?.value else { return nil }
        if case .table(let table) = value {
            var labels: [String] = [], data: [Double] = []
            for row in table.rows {
                guard case .text(let label) = row.first else { return nil }
                labels.append(label)
                for cell in row.dropFirst() {
                    guard case .number(let x) = cell else { return nil }
                    data.append(x)
                }
            }
            return .matrix(rows: table.rows.count, cols: table.columns.count - 1, data: data,
                           rowLabels: labels, colLabels: Array(table.columns.dropFirst()))
        }
        return value.tensor
    }

    func step(_ index: Int) -> Step? { steps.first { $0.index == index } }
}

/// True when every entry of `a` is within `tolerance` of `b` (and the shapes agree).
func close(_ a: Tensor?, _ b: [[Double]], tolerance: Double = 1e-9) -> Bool {
    guard let a, a.rows == b.count, a.cols == (b.first?.count ?? 0) else { return false }
    for i in 0..<a.rows { for j in 0..<a.cols where abs(a[i, j] - b[i][j]) > tolerance { return false } }
    return true
}

func close(_ a: Tensor?, _ b: [Double], tolerance: Double = 1e-9) -> Bool {
    guard let a, a.count == b.count else { return false }
    return zip(a.data, b).allSatisfy { abs($0 - $1) <= tolerance }
}

/// The path of the built `stepmark` executable, for end-to-end tests of real command lines.
var stepmarkExecutable: String {
    // `make sanitize` points the CLI tests at the sanitized build.
    if let path = ProcessInfo.processInfo.environment["STEPMARK_EXECUTABLE"], !path.isEmpty {
        return path.hasPrefix("/") ? path : (repositoryRoot as NSString).appendingPathComponent(path)
    }
    var url = URL(fileURLWithPath: #filePath)
    while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
    url.deleteLastPathComponent()
    let candidates = [".build/debug/stepmark", ".build/release/stepmark"]
    for c in candidates {
        let path = url.appendingPathComponent(c).path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    // `swift test` builds products beside the test bundle.
    let bundle = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("stepmark").path
    return bundle
}

/// The repository's root folder.
var repositoryRoot: String {
    var url = URL(fileURLWithPath: #filePath)
    while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
    return url.deletingLastPathComponent().path
}

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the stepmark executable with arguments (and optional standard input).
/// `executable` runs something else with the same plumbing (a shell that sets limits first).
func stepmark(_ arguments: [String], input: String? = nil, in directory: String? = nil,
              environment extra: [String: String] = [:], executable: String = stepmarkExecutable) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { $1 }
    process.environment = environment
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes before waiting so a large output cannot fill a pipe and block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}
