import Foundation
import StepmarkCore
import StepmarkLesson
@testable import StepmarkRender
import Testing

/// `stepmark step`'s drawing: tables cut to the terminal's width, prose marks as styles.
@Suite("terminal step-through")
struct TerminalStepTests {
    /// A 2 × 10 matrix whose column j holds j + 0.5: every cell is 6 characters wide
    /// ("0.5000" … "9.5000"), so a full line is 2 + 10·6 + 9·2 = 80 characters.
    let wide = NamedValue(name: "W", value: .tensor(.matrix(rows: 2, cols: 10, data: (0..<20).map { Double($0 % 10) + 0.5 })))

    @Test("a table that fits is drawn as before")
    func fits() {
        let r = TerminalRenderer()
        #expect(r.renderValue(wide, width: 80) == r.renderValue(wide))
        #expect(r.renderValue(wide, width: nil) == r.renderValue(wide))
    }

    @Test("a wide table keeps columns from both ends, with ⋯ between, and states its shape")
    func cut() {
        // k columns and the ⋯ column take 2 + 6k + 1 + 2k = 3 + 8k characters: k = 4 fits in 40
        // (35), k = 5 does not (43). Left first, then alternately: columns 0, 1 and 8, 9.
        let text = TerminalRenderer().renderValue(wide, width: 40)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("  0.5000  1.5000  ⋯  8.5000  9.5000"), "\(lines)")
        #expect(lines.contains("  (2 × 10; 4 of 10 columns shown)"))
        #expect(lines.allSatisfy { Format.displayWidth($0) <= 40 })
        // One column short of the whole: 9 of 10 (3 + 8·9 = 75 ≤ 79).
        #expect(TerminalRenderer().renderValue(wide, width: 79).contains("(2 × 10; 9 of 10 columns shown)"))
        // Too narrow for even two: the first column alone, still with its ⋯.
        #expect(TerminalRenderer().renderValue(wide, width: 5).contains("  0.5000  ⋯\n"))
    }

    @Test("labelled columns keep their labels over the columns shown")
    func labels() {
        let t = Tensor.matrix(rows: 1, cols: 6, data: [1, 2, 3, 4, 5, 6], rowLabels: ["강가"], colLabels: ["a", "b", "c", "d", "e", "f"])
        let text = TerminalRenderer().renderValue(NamedValue(name: "M", value: .tensor(t)), width: 30)
        // Row label "강가" is 4 cells wide; cells 6 wide: 2 + 4 + 2 + 6k + 1 + 2k = 9 + 8k ≤ 30 → k = 2.
        #expect(text.contains("       a  ⋯       f\n"), "\(text)")
        #expect(text.contains("  강가  1.0000  ⋯  6.0000\n"), "\(text)")
        #expect(text.contains("(1 × 6; 2 of 6 columns shown)"))
    }

    @Test("prose marks become styles, or disappear without colour")
    func prose() {
        let plain = TerminalRenderer(color: false)
        #expect(plain.prose("Attention is **all** you *need*, `softmax` and [a link](http://x).")
                == "Attention is all you need, softmax and a link.")
        #expect(plain.prose("## The title\n- one __two__\n> quoted _it_") == "The title\n• one two\n│ quoted it")
        // Underscores inside words and lone stars stay as written.
        #expect(plain.prose("snake_case_name and 2 * 3 * 4 and \\*literal\\*") == "snake_case_name and 2 * 3 * 4 and *literal*")
        #expect(plain.prose("`**not bold**`") == "**not bold**")
        let color = TerminalRenderer(color: true)
        #expect(color.prose("**b** *i* `c`") == "\u{1B}[1mb\u{1B}[0m \u{1B}[3mi\u{1B}[0m \u{1B}[36mc\u{1B}[0m")
        #expect(color.prose("# T") == "\u{1B}[1mT\u{1B}[0m")
    }
}
