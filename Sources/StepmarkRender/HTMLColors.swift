import FoundationEssentials
import StepmarkCore

/// The heat-map colours, computed here so their contrast is known (WCAG 2.1 AA, issue 22).
///
/// A shaded cell's background is the card colour moved toward a hue by its level h ∈ [0, 1]
/// (the `--h` the renderer writes, in hundredths), in each scheme: the CSS draws it as
/// `rgb(calc(card + delta·h) …)`, with the deltas written below, so the browser's colour is the
/// one computed here. The cell's text is black or white, whichever contrasts more with that
/// background (at least 4.58:1 for any background); the row maximum's outline is drawn in the
/// text colour, so it too contrasts with its cell. Nothing uses `color-mix()` for a background
/// under text: older checkers (axe-core 3) cannot read it.
enum HeatPalette {
    struct RGB: Equatable {
        var r: Double, g: Double, b: Double

        init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
        init(hex: UInt32) { self.init(Double(hex >> 16 & 0xFF), Double(hex >> 8 & 0xFF), Double(hex & 0xFF)) }

        /// Each channel rounded to an integer, as the browser stores an `rgb()` colour.
        var rounded: RGB { RGB(r.rounded(), g.rounded(), b.rounded()) }
        var css: String { "rgb(\(Int(r.rounded())),\(Int(g.rounded())),\(Int(b.rounded())))" }
        static let black = RGB(0, 0, 0)
        static let white = RGB(255, 255, 255)
    }

    enum Scheme: CaseIterable { case light, dark }

    /// `s`: sequential (0 … top), `p` and `n`: the positive and negative halves of a diverging scale.
    enum Kind: String, CaseIterable { case s, p, n }

    /// The card a table sits on (`--card` in HTMLAssets).
    static func card(_ scheme: Scheme) -> RGB {
        scheme == .light ? RGB(hex: 0xFFFFFF) : RGB(hex: 0x1A1C20)
    }

    /// The hue a full-strength cell moves toward (`--seq`, `--pos`, `--neg`), and how far.
    static func hue(_ kind: Kind, _ scheme: Scheme) -> (color: RGB, strength: Double) {
        switch (kind, scheme) {
        case (.s, .light): return (RGB(hex: 0x1F5FD1), 0.75)
        case (.p, .light): return (RGB(hex: 0x1F5FD1), 0.72)
        case (.n, .light): return (RGB(hex: 0xD9480F), 0.72)
        case (.s, .dark): return (RGB(hex: 0x3D7CF5), 0.75)
        case (.p, .dark): return (RGB(hex: 0x3D7CF5), 0.72)
        case (.n, .dark): return (RGB(hex: 0xF0703A), 0.72)
        }
    }

    /// card + delta·h reaches the hue's strength at h = 1; each delta has two decimals (as written in the CSS).
    static func delta(_ kind: Kind, _ scheme: Scheme) -> RGB {
        let (hue, strength) = hue(kind, scheme)
        let c = card(scheme)
        func d(_ to: Double, _ from: Double) -> Double { ((to - from) * strength * 100).rounded() / 100 }
        return RGB(d(hue.r, c.r), d(hue.g, c.g), d(hue.b, c.b))
    }

    /// The background of a cell at level h, as the browser computes it.
    static func background(_ kind: Kind, level h: Double, _ scheme: Scheme) -> RGB {
        let c = card(scheme), d = delta(kind, scheme)
        return RGB(c.r + d.r * h, c.g + d.g * h, c.b + d.b * h).rounded
    }

    /// WCAG 2.1 relative luminance of an sRGB colour.
    static func luminance(_ c: RGB) -> Double {
        func lin(_ v: Double) -> Double {
            let x = v / 255
            return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
    }

    /// WCAG 2.1 contrast ratio (1 … 21).
    static func contrast(_ a: RGB, _ b: RGB) -> Double {
        let la = luminance(a), lb = luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// The levels the renderer writes: hundredths.
    static let levels = (0...100).map { Double($0) / 100 }

    /// Black or white, whichever contrasts more with `bg` (black on a tie).
    static func better(on bg: RGB) -> RGB {
        contrast(.white, bg) > contrast(.black, bg) ? .white : .black
    }

    /// How the CSS picks a cell's text: `low` from level 0, and the other of black and white from
    /// `switchAt` on (nil: `low` throughout). Each background here only darkens (light) or only
    /// brightens (dark) with h, so the better text flips at most once; `text(_:level:_:)` applies
    /// exactly this rule, and the tests check its contrast at every level.
    static func textRule(_ kind: Kind, _ scheme: Scheme) -> (low: RGB, switchAt: Double?) {
        let low = better(on: background(kind, level: 0, scheme))
        let switchAt = levels.first { better(on: background(kind, level: $0, scheme)) != low }
        return (low, switchAt)
    }

    /// The text colour of a cell at level h, as the CSS rule picks it.
    static func text(_ kind: Kind, level h: Double, _ scheme: Scheme) -> RGB {
        let rule = textRule(kind, scheme)
        guard let at = rule.switchAt, h >= at else { return rule.low }
        return rule.low == .black ? .white : .black
    }

    /// The CSS of the shaded cells in one scheme: background from `--h`, text black or white.
    static func cellRules(_ scheme: Scheme) -> String {
        let c = card(scheme)
        func channel(_ base: Double, _ d: Double) -> String {
            "calc(\(SVGChart.c(base)) + \(SVGChart.c(d))*var(--h))"
        }
        var out = ""
        for kind in Kind.allCases {
            let d = delta(kind, scheme)
            out += "td.\(kind.rawValue){background:rgb(\(channel(c.r, d.r)) \(channel(c.g, d.g)) \(channel(c.b, d.b)));"
            let rule = textRule(kind, scheme)
            let low = rule.low == .black ? "#000" : "#fff"
            if let at = rule.switchAt {
                // 0 below `at`, 1 from `at` on (levels are hundredths).
                let step = "clamp(0,(var(--h) - \(SVGChart.c(at)))*1000 + 1,1)"
                let v = rule.low == .black ? "calc(255*\(step))" : "calc(255 - 255*\(step))"
                out += "color:rgb(\(v) \(v) \(v))}"
            } else {
                out += "color:\(low)}"
            }
        }
        // The legend's colour bars: the same ramps, end to end.
        let top = { (k: Kind) in background(k, level: 1, scheme).css }
        out += ".legend.seq i{background:linear-gradient(90deg,\(c.css),\(top(.s)))}"
        out += ".legend.div i{background:linear-gradient(90deg,\(top(.n)),\(c.css) 50%,\(top(.p)))}"
        return out
    }
}
