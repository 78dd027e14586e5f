import StepmarkCore

/// `forward`: one forward pass through a network made by a `network` block, every `zN` and
/// `aN` shown.
///
/// The body holds the inputs: one example per line, numbers separated by spaces or commas
/// (each row is labelled with its numbers), or — when the first word is not a number — one
/// expression such as a name or a matrix literal. The last activation is the result; it is
/// recorded as `aL` and stored under the name `output`.
enum ForwardDirective: Directive {
    static let name = "forward"
    static let summary = "one forward pass through a network: z = a·W + b and a = act(z), layer by layer"
    static let body = "input rows, one example per line (numbers separated by spaces or commas), or one expression such as a name"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("net", "net", "the name of the network (made by a network block)"),
    ]
    static let subSteps = "z1, a1, z2, a2, … (the result is the last aN, stored as output)"
    static let example = """
        ```network layers=2,2,1 output=sigmoid
        ```

        ```forward
        0 0
        0 1
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let netName = try args.name("net", default: "net")!
        let netPosition = args.has("net") ? args.position(of: "net") : context.block.infoPosition
        let net = try NetworkValue.network(named: netName, in: context, at: netPosition)

        let inputs = try NumberRows.inputs(context, for: net, netName: netName)
        let steps: ForwardSteps
        do {
            steps = try net.forward(inputs.tensor, deadline: context.timeLimit)
        } catch let e as TensorError {
            throw LessonError(e.message, at: inputs.position)
        }
        let x = inputs.isRows ? "X" : inputs.source
        for (name, value, formula) in NetworkFormulas.forward(steps, net: net, input: x) {
            try context.record(name, value, formula: formula)
        }
        let last = "a\(net.depth)"
        // SPEC §3 stores the last activation under its own name (a2 for a two-layer net); it is
        // also `output`, like every other directive's main result.
        context.setResult(.tensor(steps.output), recorded: last, storeAs: last)
        context.define("output", .tensor(steps.output))
    }
}

/// The formulas shown beside each forward value.
enum NetworkFormulas {
    /// `z1 = X·W1 + b1`, `a1 = sigmoid(z1)`, … in SPEC order.
    static func forward(_ steps: ForwardSteps, net: Network, input: String) -> [(String, Tensor, String)] {
        var out: [(String, Tensor, String)] = []
        for (i, pair) in steps.namedValues.enumerated() {
            let n = i / 2 + 1
            if i % 2 == 0 {
                let previous = n == 1 ? input : "a\(n - 1)"
                out.append((pair.name, pair.value, "z\(n) = \(previous)·W\(n) + b\(n)"))
            } else {
                let act = net.activation(ofLayer: n)
                let formula = act == .linear ? "a\(n) = z\(n) (linear output)" : "a\(n) = \(act.rawValue)(z\(n))"
                out.append((pair.name, pair.value, formula))
            }
        }
        return out
    }
}

/// Numbers written in a body line: separated by spaces, tabs or commas; `#` starts a comment.
enum NumberRows {
    struct Field {
        var value: Double
        var text: String
        var position: SourcePosition
    }

    /// The number fields of `line` between character offsets `start` and `end` (default: up to
    /// a `#` comment or the end of the line).
    static func fields(_ line: BodyLine, from start: Int = 0, to end: Int? = nil) throws -> [Field] {
        let chars = Array(line.text)
        let stop = end ?? commentStart(chars)
        var out: [Field] = []
        var k = start
        while k < stop {
            if isSeparator(chars[k]) { k += 1; continue }
            let begin = k
            while k < stop, !isSeparator(chars[k]) { k += 1 }
            let text = String(chars[begin..<k])
            guard let v = Double(text) else {
                throw LessonError("expected a number, got '\(text)'", at: line.position(at: begin))
            }
            guard v.isFinite else {
                throw LessonError("expected a finite number, got '\(text)'", at: line.position(at: begin))
            }
            out.append(Field(value: v, text: text, position: line.position(at: begin)))
        }
        return out
    }

    static func isSeparator(_ c: Character) -> Bool { c == " " || c == "\t" || c == "," }

    static func commentStart(_ chars: [Character]) -> Int { chars.firstIndex(of: "#") ?? chars.count }

    /// The body lines that hold something (not blank, not only a comment).
    static func dataLines(_ block: DirectiveBlock) -> [BodyLine] {
        block.body.filter {
            let t = $0.text.trimmingWhitespace()
            return !t.isEmpty && !t.hasPrefix("#")
        }
    }

    /// True when the first word of the line is a number (so the body is rows of numbers).
    static func startsWithNumber(_ line: BodyLine) -> Bool {
        let chars = Array(line.text)
        let stop = commentStart(chars)
        var k = 0
        while k < stop, isSeparator(chars[k]) { k += 1 }
        let begin = k
        while k < stop, !isSeparator(chars[k]) { k += 1 }
        return Double(String(chars[begin..<k])) != nil
    }

    /// A label for an example row: its numbers as written, separated by spaces.
    static func label(_ fields: [Field]) -> String { fields.map(\.text).joined(separator: " ") }

    /// The inputs of a `forward` body for `net`: rows of numbers, or one expression.
    static func inputs(_ context: StepContext, for net: Network, netName: String)
        throws -> (tensor: Tensor, position: SourcePosition, isRows: Bool, source: String) {
        let lines = dataLines(context.block)
        guard let first = lines.first else {
            throw LessonError("forward needs inputs in its body: one example per line, \(net.layers[0]) number\(net.layers[0] == 1 ? "" : "s") each (the network \(netName) takes \(net.layers[0]) input\(net.layers[0] == 1 ? "" : "s"))", at: context.block.infoPosition)
        }
        let fanIn = net.layers[0]
        guard startsWithNumber(first) else {
            let t = try context.tensor(context.evaluate(lines), .numbers, at: first.position) { "forward needs numbers as inputs, but this is \($0)" }
            let width = t.isScalar ? 1 : t.cols
            if width != fanIn {
                throw LessonError("the network \(netName) takes \(fanIn) input\(fanIn == 1 ? "" : "s") per example (W1 has shape \(net.weights[0].shapeDescription)), but the input has shape \(t.shapeDescription) (\(width) per example)", at: first.position)
            }
            let source = lines.map { $0.text.trimmingWhitespace() }.joined(separator: " ")
            return (t, first.position, false, source.count <= 24 ? source : "X")
        }
        var data: [Double] = []
        var labels: [String] = []
        for line in lines {
            let row = try fields(line)
            guard row.count == fanIn else {
                throw LessonError("this example has \(row.count) number\(row.count == 1 ? "" : "s") but the network \(netName) takes \(fanIn) input\(fanIn == 1 ? "" : "s") (W1 has shape \(net.weights[0].shapeDescription))", at: row.count > fanIn ? row[fanIn].position : line.position)
            }
            data += row.map(\.value)
            labels.append(label(row))
        }
        if data.count > context.limits.maxEntries {
            throw LessonError("the inputs have \(data.count) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: first.position)
        }
        let t = Tensor(shape: [lines.count, fanIn], data: data, rowLabels: labels)
        return (t, first.position, true, "X")
    }
}
