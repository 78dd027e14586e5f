import Foundation
import StepmarkLesson

/// Limits small enough that one input runs in well under a second, so the fuzzer explores
/// instead of waiting (the real defaults are tested in LimitTests).
public let fuzzLimits: Limits = {
    var l = Limits()
    l.maxEntries = 20_000
    l.maxSteps = 500
    l.maxTokens = 20
    l.maxSeconds = 2
    return l
}()

/// The fuzzer's input as text. Invalid UTF-8 goes through `LessonParser.decode`, as a file
/// would: it must throw a `ReadError`, never crash; the rest is decoded with replacement
/// characters so the parsers still see the other bytes.
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    let bytes = Data(bytes: data, count: size)
    if let text = try? LessonParser.decode(bytes, path: "fuzz.md") { return text }
    return String(decoding: bytes, as: UTF8.self)
}

/// Crashes (so libFuzzer keeps the input) when an error's position is outside the text it
/// describes: line 1…lines, column 1…(length of the line + 1).
public func requirePositioned(_ error: LessonError, in lines: [String], _ what: @autoclosure () -> String) {
    let line = error.position.line, column = error.position.column
    guard line >= 1, line <= max(lines.count, 1) else {
        fatalError("\(what()): error line \(line) outside 1...\(lines.count): \(error)")
    }
    let length = lines.isEmpty ? 0 : lines[line - 1].count
    guard column >= 1, column <= length + 1 else {
        fatalError("\(what()): error column \(column) outside 1...\(length + 1) of line \(line): \(error)")
    }
}

/// Text must never carry NaN soup into a message: "nan" may appear only as a user's own word.
public func requireMessage(_ error: LessonError, _ what: @autoclosure () -> String) {
    guard !error.message.isEmpty else { fatalError("\(what()): empty error message at \(error.position)") }
}

/// libFuzzer's driver, for executables whose `main` SwiftPM renames (debug builds on Linux
/// link `main` to `<Target>_main`): each target's `<Target>_main` hands over to it.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the process's arguments and `callback` as the target.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
