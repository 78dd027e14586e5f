import Foundation
import FuzzSupport
@testable import StepmarkLesson

/// One info string (the first line of the input): parse it, read every argument with every
/// typed accessor, and check that each value written back (`description`) parses to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let info = LessonParser.lines(of: text).first ?? ""
    let start = SourcePosition(line: 1, column: 1)
    let parsed: InfoString
    do {
        parsed = try InfoString.parse(info, at: start)
    } catch let e as LessonError {
        requirePositioned(e, in: [info], "info string \(info.debugDescription)")
        return 0
    } catch {
        fatalError("InfoString.parse threw a non-LessonError: \(error)")
    }
    // The first 64 of each: the accessors look keys up one by one (directives ask for a fixed
    // few), so checking all of 20,000 arguments would make the harness, not the parser, slow.
    for p in parsed.positional.prefix(64) { requirePositioned(LessonError("positional", at: p.position), in: [info], "positional") }
    let args = Arguments(info: parsed, position: start)
    for a in parsed.arguments.prefix(64) {
        requirePositioned(LessonError("key", at: a.position), in: [info], "key of \(info.debugDescription)")
        requirePositioned(LessonError("value", at: a.valuePosition), in: [info], "value of \(info.debugDescription)")
        func check(_ body: () throws -> Void) {
            do { try body() } catch let e as LessonError {
                requirePositioned(e, in: [info], "accessor on \(info.debugDescription)")
            } catch { fatalError("accessor threw a non-LessonError: \(error)") }
        }
        check { _ = try args.number(a.key, default: 0) }
        check { _ = try args.integer(a.key, default: 0, in: 0...100, limitFlag: "--max-steps") }
        check { _ = try args.integer(a.key, default: 0, in: -5...5) }
        check { _ = try args.word(a.key) }
        check { _ = try args.name(a.key) }
        check { _ = try args.choice(a.key, ["none", "causal"], default: "none") }
        check { _ = try args.bool(a.key, default: false) }
        check { _ = try args.integers(a.key) }
        // Round trip: the value as the tool prints it must parse back to the same value.
        let again = "x k=" + a.value.description
        guard let reparsed = try? InfoString.parse(again, at: start), reparsed.arguments.count == 1,
              reparsed.arguments[0].value == a.value else {
            fatalError("value \(a.value) of \(info.debugDescription) does not round-trip through \(again.debugDescription)")
        }
    }
    return 0
}

@_cdecl("FuzzInfoString_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let data else { return 0 }
        return fuzz(data, size)
    }
}
