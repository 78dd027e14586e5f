/// Text from a lesson or a submission made harmless for a terminal, a CSV cell or a Markdown
/// feedback page: a control character other than tab and line feed would act instead of being
/// read (ESC starts sequences that set the window title, write the clipboard (OSC 52) or clear
/// the screen; a submission's file name is enough to carry one). C0 characters and DEL become
/// their visible Control Pictures (U+2400…U+2421, `␛` for ESC), C1 characters (U+0080…U+009F)
/// U+FFFD. So do the bidirectional embeddings, overrides and isolates (U+202A…U+202E,
/// U+2066…U+2069): one in an answer's id or a file name reorders the rest of its line where it
/// is shown ("Trojan Source"), so `s1‮dm.yek` reads as another student's file. The marks
/// U+200E, U+200F and U+061C, which reorder nothing around them, stay.
public enum ControlCharacters {
    /// `text` with every control character but tab and line feed made visible.
    public static func neutralized(_ text: String) -> String {
        neutralized(text, keepingSGR: false)
    }

    /// The same, but the Select Graphic Rendition sequences stepmark writes itself for colour
    /// (`ESC [` digits and `;` `m`) are kept: for a terminal report that is already coloured.
    /// Only colour passes this way, never a sequence that moves, clears or titles anything.
    public static func neutralized(_ text: String, keepingSGR: Bool) -> String {
        guard hasControl(text.utf8) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if keepingSGR, s == "\u{1B}", let end = sgrEnd(scalars, from: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            switch s.value {
            case 0x09, 0x0A: out.append(s)
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + s.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80..<0xA0, 0x202A...0x202E, 0x2066...0x2069: out.append("\u{FFFD}")
            default: out.append(s)
            }
            i += 1
        }
        return String(out)
    }

    /// Whether the UTF-8 holds a control character other than tab and line feed (C1 ones are
    /// 0xC2 followed by 0x80…0x9F). Most text has none and is returned as it is.
    static func hasControl(_ utf8: String.UTF8View) -> Bool {
        // The byte before, and the one before that: U+202A…U+202E are E2 80 AA…AE, and
        // U+2066…U+2069 are E2 81 A6…A9.
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for b in utf8 {
            if previous == 0xC2 && b >= 0x80 && b < 0xA0 { return true }
            if beforePrevious == 0xE2 && ((previous == 0x80 && (0xAA...0xAE).contains(b)) || (previous == 0x81 && (0xA6...0xA9).contains(b))) {
                return true
            }
            if (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F { return true }
            beforePrevious = previous
            previous = b
        }
        return false
    }

    /// The index of the `m` ending an SGR sequence `ESC [ [0-9;]* m` that starts at `start`.
    private static func sgrEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 1 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var j = start + 2
        while j < scalars.count, j - start < 32 {
            let c = scalars[j]
            if c == "m" { return j }
            guard c == ";" || ("0"..."9").contains(c) else { return nil }
            j += 1
        }
        return nil
    }
}
