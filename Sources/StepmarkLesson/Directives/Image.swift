import FoundationEssentials
import StepmarkCore

/// `image`: a small grayscale picture written in the lesson, or several pictures stacked into a
/// feature matrix.
///
/// - With a body: every body line is one row of pixels, either numbers in [0, 1] (separated by
///   spaces or commas) or characters of the ramp ` .:-=+*#%@` (dark to light, so ` ` is 0 and
///   `@` is 1; see `Pixels`). Short lines are padded on the right with spaces (value 0), because
///   editors drop trailing spaces. Records one sub-step, `pixels` (the h × w matrix), and stores
///   it under `name=`.
/// - With `stack=[a, b, …]` and an empty body: pictures defined above are flattened row-major
///   into one row each (h·w features), labelled by their names. Records `features` and stores
///   it under `name=`. This is the form `align image=` and `@ wi` need.
///
/// Errors in the pixels point at the offending line and column of the lesson file.
enum ImageDirective: Directive {
    static let name = "image"
    static let summary = "a small grayscale picture drawn with characters or numbers, or several pictures stacked into features"
    static let body = """
        rows of pixels, one row per line: numbers in [0, 1] separated by spaces or commas, or the \
        characters " .:-=+*#%@" (dark to light: space = 0, @ = 1; short lines are padded with spaces); \
        or empty with stack=[a, b, …] to flatten pictures defined above into one row each
        """
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("name", nil, "required: the name the picture (or the stacked features) is stored under"),
        ArgumentSpec("stack", nil, "a list of picture names, e.g. [cat, dog]: flatten each into one labelled row (body must be empty)"),
    ]
    static let subSteps = "pixels (the h × w picture); with stack=: features (one flattened picture per row, labelled by name)"
    static let example = """
        ```image name=plus
         @ 
        @@@
         @ 
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        guard args.has("name") else {
            throw LessonError("image needs name=NAME: the name the picture is stored under (e.g. ```image name=cat)", at: context.block.infoPosition)
        }
        let name = try args.name("name")!
        if args.has("stack") {
            try runStack(context, name: name)
            return
        }
        let body = context.block.body
        guard body.contains(where: { !$0.text.trimmingWhitespace().isEmpty }) else {
            throw LessonError("image name=\(name) has no pixels: draw one row per line with \" .:-=+*#%@\" (dark to light) or numbers in [0, 1], or give stack=[…] to stack pictures", at: context.block.infoPosition)
        }
        let pixels: Tensor
        do {
            pixels = try Pixels.parse(lines: body.map(\.text))
        } catch let e as TensorError {
            throw positioned(e, in: body, context: context)
        }
        try context.record("pixels", pixels, formula: "\(name): \(pixels.rows)×\(pixels.cols) pixels, 0 = dark … 1 = light", role: .picture(title: name))
        context.setResult(.tensor(pixels), recorded: "pixels", storeAs: name)
    }

    private static func runStack(_ context: StepContext, name: String) throws {
        let args = context.args
        if let line = context.block.body.first(where: { !$0.text.trimmingWhitespace().isEmpty }) {
            throw LessonError("image with stack= takes no pixels in its body: draw each picture in its own image block, then stack them", at: line.position)
        }
        let items = try nameList(args, "stack", info: context.block)
        var images: [(name: String, image: Tensor)] = []
        for item in items {
            images.append((item.name, try context.tensor(named: item.name, .vectorOrMatrix, at: item.position) {
                "stack= needs pictures, but \(item.name) is \($0)"
            }))
        }
        let features: Tensor
        do {
            features = try Pixels.stack(images: images)
        } catch let e as TensorError {
            throw LessonError(e.message, at: args.position(of: "stack"))
        }
        let first = images[0].image
        let shape = first.isMatrix ? "\(first.rows)×\(first.cols)" : first.shapeDescription
        try context.record("features", features,
                           formula: "\(name): each \(shape) picture flattened row by row into one row of \(features.cols) features")
        context.setResult(.tensor(features), recorded: "features", storeAs: name)
    }

    /// A `TensorError` from `Pixels` ("line L, column C: …" or "line L has … but line M has …",
    /// lines counted within the body) as a `LessonError` at the lesson-file position, with
    /// body-relative line numbers in the message replaced by file lines.
    static func positioned(_ error: TensorError, in body: [BodyLine], context: StepContext) -> LessonError {
        let message = error.message
        func bodyLine(_ text: Substring) -> BodyLine? {
            guard let n = Int(text), n >= 1, n <= body.count else { return nil }
            return body[n - 1]
        }
        // "line L, column C: message"
        if let match = message.firstMatch(of: /^line (\d+), column (\d+): (.*)$/), let line = bodyLine(match.1),
           let column = Int(match.2) {
            return LessonError(String(match.3), at: line.position(at: column - 1))
        }
        // "line L has N pixels but line M has K: …"
        if let match = message.firstMatch(of: /^line (\d+) has (.*) but line (\d+) has (.*)$/),
           let line = bodyLine(match.1), let first = bodyLine(match.3) {
            let indent = line.text.prefix { $0 == " " || $0 == "\t" }.count
            return LessonError("this row has \(match.2) but the first row (line \(first.position.line)) has \(match.4)",
                               at: line.position(at: indent))
        }
        return LessonError(message, at: context.block.infoPosition)
    }

    /// The names of a `key=[a, b, …]` argument (or a single `key=a`), each with its position in
    /// the info string.
    static func nameList(_ args: Arguments, _ key: String, info block: DirectiveBlock) throws -> [(name: String, position: SourcePosition)] {
        guard let a = args.argument(key) else { return [] }
        let items: [ArgValue]
        switch a.value {
        case .list(let l): items = l
        default: items = [a.value]
        }
        guard !items.isEmpty else {
            throw LessonError("\(key)= needs at least one picture name, like \(key)=[cat, dog]", at: a.valuePosition)
        }
        let positions = listItemPositions(block: block, valuePosition: a.valuePosition, count: items.count)
        var out: [(String, SourcePosition)] = []
        for (k, item) in items.enumerated() {
            let at = positions[k]
            guard case .word(let w) = item, w.first.map({ $0.isLetter || $0 == "_" }) == true,
                  w.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw LessonError("\(key)= expects picture names, like \(key)=[cat, dog]; \(item) is not a name", at: at)
            }
            out.append((w, at))
        }
        return out
    }

    /// Where each item of a flat list value starts in the info string (falls back to the
    /// value's position when the text cannot be followed).
    private static func listItemPositions(block: DirectiveBlock, valuePosition: SourcePosition, count: Int) -> [SourcePosition] {
        let fallback = [SourcePosition](repeating: valuePosition, count: count)
        guard valuePosition.line == block.infoPosition.line else { return fallback }
        let chars = Array(block.info)
        var i = valuePosition.column - block.infoPosition.column
        guard i >= 0, i < chars.count else { return fallback }
        if chars[i] != "[" { return [valuePosition] + fallback.dropFirst() }
        i += 1
        var starts: [SourcePosition] = []
        while i < chars.count, starts.count < count {
            while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "," { i += 1 }
            guard i < chars.count, chars[i] != "]" else { break }
            starts.append(SourcePosition(line: valuePosition.line, column: block.infoPosition.column + i))
            if chars[i] == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" { if chars[i] == "\\" { i += 1 }; i += 1 }
                i += 1
            } else {
                while i < chars.count, chars[i] != ",", chars[i] != "]", chars[i] != " " { i += 1 }
            }
        }
        return starts.count == count ? starts : fallback
    }
}
