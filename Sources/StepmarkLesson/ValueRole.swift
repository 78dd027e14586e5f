/// What a recorded value means, chosen by the directive that records it. Renderers draw a value
/// by its role and its kind only — never by the directive's or the value's name — so a new
/// directive gets its heat maps, charts and pictures by choosing roles.
public enum ValueRole: Sendable, Equatable {
    /// Numbers with no special reading: a table (shaded by sign and size in HTML).
    case plain
    /// Each row is a probability distribution (rows sum to 1): shaded on [0, 1] with each
    /// row's largest entry marked.
    case distribution
    /// An attention matrix: rows are queries, columns are keys. `weights` is true for the
    /// softmax-normalised weights, which are also a distribution.
    case attention(weights: Bool)
    /// A training curve: one row per step, column `y` drawn against column `x` (against the
    /// row index when `x` is nil or missing). The numbers are shown unshaded under the chart.
    case curve(x: String?, y: String)
    /// Two columns read as the coordinates of labelled points.
    case scatter
    /// A matrix of brightness values in [0, 1] (0 = dark), drawn as a picture called `title`.
    case picture(title: String)
    /// A ranked list of candidates (a label column and a probability column, or a one-column
    /// labelled matrix); `chosen` is the label that was picked, when there is one.
    case candidates(chosen: String?)
    /// A chart of several series: a table with the columns `series` (the label), `x` and `y`,
    /// one row per point, the rows of one series together and in order. `kind` says how the
    /// points are drawn; `log` draws y on a logarithmic axis (every y is then above 0).
    /// `title`, `xlabel` and `ylabel` are empty when the lesson gave none.
    case chart(kind: ChartKind, title: String, xlabel: String, ylabel: String, log: Bool)

    /// True when each row is a probability distribution.
    public var isDistribution: Bool {
        switch self {
        case .distribution, .attention(weights: true): true
        default: false
        }
    }

    /// True for query × key matrices.
    public var isAttention: Bool {
        if case .attention = self { return true }
        return false
    }

    /// The role's name in JSON and for tests: "plain", "distribution", "attention", …
    public var name: String {
        switch self {
        case .plain: "plain"
        case .distribution: "distribution"
        case .attention(let weights): weights ? "attention-weights" : "attention"
        case .curve: "curve"
        case .scatter: "scatter"
        case .picture: "picture"
        case .candidates: "candidates"
        case .chart: "chart"
        }
    }
}

/// How a `.chart` draws its series: joined by lines, as separate points, or as bars (several
/// series side by side at each x).
public enum ChartKind: String, Sendable, Equatable, CaseIterable {
    case line, scatter, bar
}
