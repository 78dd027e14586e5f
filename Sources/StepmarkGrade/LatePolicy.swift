import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// A late policy: a fraction of the earned score taken off per started period (day or hour)
/// after the due date, capped.
///
/// Grammar (spaces allowed around the parts, case-insensitive):
///
///     policy  = rate "/" period *( "," option )
///     rate    = number "%"              ; 0 to 100
///     period  = "day" | "hour"
///     option  = "max=" number "%"       ; the cap, 0 to 100 (default 100%)
///             | "grace=" number ("m" | "h")  ; minutes or hours after the due date that are free
///
/// `10%/day,max=50%`: a submission 1 second to 24 hours late loses 10% of what it earned, 24
/// to 48 hours 20%, and never more than 50%.
public struct LatePolicy: Sendable, Equatable {
    /// The fraction taken off per started period (0…1).
    public var rate: Double
    /// The period in seconds (86,400 for a day, 3,600 for an hour).
    public var period: Double
    /// The most that is taken off (0…1).
    public var cap: Double
    /// Seconds after the due date that count as on time.
    public var grace: Double

    public init(rate: Double, period: Double, cap: Double = 1, grace: Double = 0) {
        self.rate = rate
        self.period = period
        self.cap = cap
        self.grace = grace
    }

    /// - Throws: `LatePolicy.Invalid` saying what is wrong and what is expected.
    public init(parsing text: String) throws {
        func invalid(_ why: String) -> Invalid {
            Invalid(message: "the late policy '\(Snippet.quote(text))' \(why); write it like 10%/day,max=50% (a percentage per started day or hour late, an optional cap, an optional grace=15m)")
        }
        // Plain decimals only: Double("0x10") is 16 and Double("1e1") is 10.
        func decimal<S: StringProtocol>(_ s: S) -> Double? {
            guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
            return Double(s)
        }
        func percent(_ s: Substring) throws -> Double {
            let t = s.trimmingHorizontalWhitespace()
            guard t.hasSuffix("%"), let v = decimal(t.dropLast().trimmingHorizontalWhitespace()), v.isFinite, v >= 0, v <= 100 else {
                throw invalid("has '\(Snippet.quote(String(t)))' where a percentage from 0% to 100% belongs")
            }
            return v / 100
        }
        guard text.utf8.count <= 200 else { throw invalid("is too long") }
        let parts = text.lowercased().split(separator: ",", omittingEmptySubsequences: false)
        let head = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard head.count == 2 else { throw invalid("does not start with a rate per period") }
        rate = try percent(head[0])
        switch head[1].trimmingHorizontalWhitespace() {
        case "day", "d": period = 86_400
        case "hour", "h": period = 3_600
        default: throw invalid("has the period '\(Snippet.quote(String(head[1])))'; the period is day or hour")
        }
        cap = 1
        grace = 0
        var seen: Set<String> = []
        for option in parts.dropFirst() {
            let kv = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = kv[0].trimmingHorizontalWhitespace()
            guard kv.count == 2, seen.insert(key).inserted else { throw invalid("has '\(Snippet.quote(String(option)))', which is not max=N% or grace=N (once each)") }
            switch key {
            case "max": cap = try percent(kv[1])
            case "grace":
                let v = kv[1].trimmingHorizontalWhitespace()
                let unit: Double = v.hasSuffix("m") ? 60 : v.hasSuffix("h") ? 3_600 : 0
                guard unit > 0, let n = decimal(v.dropLast()), n.isFinite, n >= 0, n <= 10_000 else {
                    throw invalid("has grace '\(Snippet.quote(v))'; write minutes or hours such as grace=15m or grace=2h")
                }
                grace = n * unit
            default: throw invalid("has the option '\(Snippet.quote(key))'; the options are max= and grace=")
            }
        }
    }

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The fraction taken off a submission made `lateBy` seconds after the due date (0 when on
    /// time or when `lateBy` is not a number).
    public func fraction(lateBy seconds: Double) -> Double {
        guard seconds.isFinite else { return seconds == .infinity ? cap : 0 }
        guard seconds > grace else { return 0 }
        // Started periods: huge times stay finite as doubles and are capped below.
        let periods = ((seconds - grace) / period).rounded(.up)
        let f = rate * periods
        guard f.isFinite else { return cap }
        return min(max(0, f), cap)
    }

    /// The verdict for the metadata file at `path` (read with a size cap; a file that cannot
    /// be read or parsed takes nothing off and says why).
    public func apply(metadataAt path: String) -> LateOutcome {
        switch SubmissionMetadata.read(path: path) {
        case .success(let m): return apply(metadata: m)
        case .failure(let problem): return LateOutcome(problem: problem)
        }
    }

    /// The verdict for a submission with Gradescope's metadata (`submission_metadata.json`).
    public func apply(metadata: SubmissionMetadata) -> LateOutcome {
        guard let submitted = metadata.createdAt else {
            return LateOutcome(problem: .missing("created_at"))
        }
        guard let due = metadata.dueDate else {
            return LateOutcome(problem: .missing("assignment.due_date"))
        }
        let late = submitted - due
        let f = fraction(lateBy: late)
        return LateOutcome(lateBy: max(0, late), periods: late > grace ? ((late - grace) / period).rounded(.up) : 0,
                           periodIsDay: period == 86_400, fraction: f, problem: nil)
    }
}

/// What a late policy did to one submission.
public struct LateOutcome: Sendable, Equatable {
    public enum Problem: Error, Sendable, Equatable {
        /// The metadata file could not be read: the system's reason.
        case unreadable(String)
        /// The file is over the size cap (bytes).
        case tooLarge(Int)
        /// The file is not a JSON object.
        case notJSON

        /// A short English note for the teacher's gradebook.
        public var teacherNote: String {
            switch self {
            case .unreadable(let why): "metadata \(why)"
            case .tooLarge(let n): "metadata over \(n) bytes"
            case .notJSON: "metadata is not a JSON object"
            case .missing(let field): "no \(field) in the metadata"
            }
        }
        /// A field is missing or is not an ISO 8601 time: its name.
        case missing(String)
    }
    /// Seconds after the due date (0 when on time).
    public var lateBy: Double = 0
    /// Started days (or hours) late, after the grace.
    public var periods: Double = 0
    public var periodIsDay = true
    /// The fraction of the earned score taken off (0…1).
    public var fraction: Double = 0
    /// Why the policy could not be applied (then nothing is taken off).
    public var problem: Problem?

    public init(lateBy: Double = 0, periods: Double = 0, periodIsDay: Bool = true, fraction: Double = 0, problem: Problem?) {
        self.lateBy = lateBy
        self.periods = periods
        self.periodIsDay = periodIsDay
        self.fraction = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        self.problem = problem
    }

    /// The sentence a student reads.
    /// `withheld`: some exercise's result is not shown yet, so the points are left out.
    func sentence(_ w: FeedbackWords, earned: Double, deducted: Double, withheld: Bool = false) -> String {
        if let problem {
            switch problem {
            case .unreadable(let why): return w.lateNotApplied(w.lateMetadataUnreadable(why))
            case .tooLarge(let n): return w.lateNotApplied(w.lateMetadataTooLarge(n))
            case .notJSON: return w.lateNotApplied(w.lateMetadataNotJSON)
            case .missing(let field): return w.lateNotApplied(w.lateFieldMissing(field))
            }
        }
        if lateBy <= 0 || fraction == 0 && periods == 0 { return w.onTime }
        let n = periods > 1e9 ? "1000000000+" : Feedback.trim(periods)
        return w.lateDeduction(periods: n, day: periodIsDay, percent: Feedback.trim((fraction * 10_000).rounded() / 100),
                               earned: withheld ? nil : Feedback.trim(earned), deducted: CSV.number(deducted))
    }
}

/// The fields stepmark reads from Gradescope's `/autograder/submission_metadata.json`.
public struct SubmissionMetadata: Sendable, Equatable {
    /// Seconds since 1970 (UTC) of `created_at`, the submission time.
    public var createdAt: Double?
    /// Seconds since 1970 (UTC) of `assignment.due_date`.
    public var dueDate: Double?
    /// `assignment.late_due_date` (Gradescope accepts nothing after it).
    public var lateDueDate: Double?
    /// `users`: who submitted (several for a group), each with Gradescope's student id `sid`
    /// and `email` as far as given: whose numbers the file must hold, with a roster.
    public var users: [User] = []

    public struct User: Sendable, Equatable {
        public var sid: String?
        public var email: String?
        public init(sid: String?, email: String?) { self.sid = sid; self.email = email }
    }

    public init(createdAt: Double?, dueDate: Double?, lateDueDate: Double? = nil, users: [User] = []) {
        self.createdAt = createdAt
        self.dueDate = dueDate
        self.lateDueDate = lateDueDate
        self.users = users
    }

    /// The most bytes read from a metadata file (Gradescope's are a few kilobytes; the list of
    /// previous submissions grows with each one).
    public static let maxBytes = 4 << 20

    /// Reads the file with a size cap; never throws: an unreadable file is a `LateOutcome`
    /// problem.
    public static func read(path: String) -> Result<SubmissionMetadata, LateOutcome.Problem> {
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(path, maxBytes: maxBytes)
        } catch {
            if case .tooLarge = error { return .failure(.tooLarge(maxBytes)) }
            return .failure(.unreadable(error.message))
        }
        return parse(Data(bytes))
    }

    /// The deepest nesting of arrays and objects read (Gradescope's is 3): deeper input is
    /// refused before a recursive parser sees it.
    static let maxDepth = 32

    public static func parse(_ data: Data) -> Result<SubmissionMetadata, LateOutcome.Problem> {
        var depth = 0, inString = false, escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > maxDepth { return .failure(.notJSON) }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        guard let object = JSONValue.parse(data)?.object else {
            return .failure(.notJSON)
        }
        let assignment = object["assignment"]?.object ?? [:]
        func time(_ v: JSONValue?) -> Double? { v?.string.flatMap(ISOTime.seconds) }
        // A student id may be written as a number; a text is taken as it is, trimmed.
        func text(_ v: JSONValue?) -> String? {
            switch v {
            case .string(let s)?: let t = s.trimmingWhitespace(); return t.isEmpty ? nil : t
            case .number(let x)? where x.isFinite && x == x.rounded() && abs(x) < 1e15: return String(Int(x))
            default: return nil
            }
        }
        let users = (object["users"]?.array ?? []).prefix(100).compactMap(\.object).map {
            User(sid: text($0["sid"]), email: text($0["email"]))
        }
        return .success(SubmissionMetadata(createdAt: time(object["created_at"]), dueDate: time(assignment["due_date"]),
                                           lateDueDate: time(assignment["late_due_date"]), users: users))
    }
}

/// ISO 8601 times as Gradescope writes them (`2018-07-01T14:22:32.365935-07:00`, also `Z`,
/// `+0900`, a space for `T`, no fraction), read by hand so that no formatter's quirks (six
/// fraction digits, locale) matter.
public enum ISOTime {
    /// Seconds since 1970-01-01T00:00:00Z, or nil when `s` is not such a time (years 1 to 9999).
    public static func seconds(_ s: String) -> Double? {
        let b = Array(s.utf8.prefix(64))
        guard s.utf8.count <= 64 else { return nil }
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool { if i < b.count && b[i] == c { i += 1; return true }; return false }
        guard let year = digits(4), year >= 1, expect(45), let month = digits(2), (1...12).contains(month), expect(45),
              let day = digits(2), day >= 1, day <= daysIn(month, year) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = digits(2), hour <= 23, expect(58), let minute = digits(2), minute <= 59, expect(58),
              let second = digits(2), second <= 60 else { return nil }
        var fraction = 0.0
        if expect(46) {
            var scale = 0.1, any = false
            while i < b.count, b[i] >= 48 && b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
            guard any else { return nil }
        }
        var offset = 0
        if expect(90) || expect(122) {
            offset = 0
        } else if i < b.count, b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = digits(2), oh <= 23 else { return nil }
            _ = expect(58)
            guard let om = digits(2), om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil  // a time without a zone is ambiguous
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year, month, day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
