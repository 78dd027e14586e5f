#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import StepmarkCore

/// The Korean of the English words directives write into formulas and warnings (SPEC §8).
///
/// Directives keep recording one English string per value (`context.record(…, formula:)`,
/// `context.warn`): the JSON output, the notebooks and the tests read those, and a formula is
/// mostly maths. In a Korean lesson every renderer passes the string through
/// `Phrasebook.formula` / `Phrasebook.message`, which rewrite each known English phrase, a
/// regular expression with its Korean (`$1` … for the numbers and names it captures), in
/// order: whole sentences first, then the phrases that recur inside many formulas.
/// Maths stays as written; so do value names, directive names, argument keys (`lr=`,
/// `learn=`), function names (`softmax`, `mean`, `LayerNorm`) and the lesson's own names.
///
/// Adding a formula or a warning with new English words means adding its phrase here:
/// `StringsTests` runs every course lesson under `lessons/ko/` and fails on an English word
/// that is left. A new error message gets its Korean in its area's file under `Phrasebook/`;
/// `KoreanErrorMessagesTests` (the malformed corpus) and the area's `Korean…ErrorsTests` check.
public enum Phrasebook {
    /// One pattern and its Korean. The regular expression is compiled the first time a
    /// message gets past the byte tests, so a lesson with one error does not compile 900.
    final class Phrase: @unchecked Sendable {
        let pattern: String
        let korean: String
        private let lock = ThreadLock()
        private var compiled: Compiled?

        init(pattern: String, korean: String) {
            self.pattern = pattern
            self.korean = korean
            let text = Phrasebook.requiredText(pattern)
            prefix = Array(text.prefix.utf8)
            required = Array(text.required.utf8)
        }

        /// A pattern as the standard library's `Regex` runs it (NSRegularExpression is gone with
        /// full Foundation, issue 13): Unicode scalars and simple word boundaries, as ICU matched.
        /// `Regex` has no lookbehind yet, so the lookbehinds a pattern starts with (`(?<=: )`,
        /// `(?<![A-Za-z])`, `(?:^|(?<=: ))`) are split off as `behind` and tested on the text
        /// before each match.
        struct Compiled {
            struct Behind {
                /// `(?:X)\z`: whether the text before a match ends with X.
                let ending: Regex<AnyRegexOutput>
                let negated: Bool
                /// `(?:^|(?<=X))`: the start of the text also passes.
                let orStart: Bool
            }
            let body: Regex<AnyRegexOutput>
            let behind: [Behind]
        }

        static func regex(_ pattern: String) throws -> Regex<AnyRegexOutput> {
            try Regex(pattern).matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple)
        }

        /// Compiles `pattern`, splitting off its leading lookbehinds.
        static func compile(_ pattern: String) throws -> Compiled {
            var rest = Substring(pattern)
            var behind: [Compiled.Behind] = []
            while true {
                var orStart = false
                var inner = rest
                if inner.hasPrefix("(?:^|(?<=") {
                    orStart = true
                    inner = inner.dropFirst(5)
                }
                guard inner.hasPrefix("(?<=") || inner.hasPrefix("(?<!"),
                      let close = closingParenthesis(of: inner) else { break }
                let negated = inner.hasPrefix("(?<!")
                let x = inner[inner.index(inner.startIndex, offsetBy: 4)..<close]
                var after = inner[inner.index(after: close)...]
                if orStart {
                    guard after.hasPrefix(")") else { break }
                    after = after.dropFirst()
                }
                behind.append(.init(ending: try regex("(?:\(x))\\z"), negated: negated, orStart: orStart))
                rest = after
            }
            return Compiled(body: try regex(String(rest)), behind: behind)
        }

        /// The index of the `)` that closes the group `text` starts with (escapes and
        /// character classes skipped).
        static func closingParenthesis(of text: Substring) -> Substring.Index? {
            var depth = 0, inClass = false
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                if c == "\\" {
                    i = text.index(after: i)
                    if i < text.endIndex { i = text.index(after: i) }
                    continue
                }
                if inClass {
                    if c == "]" { inClass = false }
                } else if c == "[" {
                    inClass = true
                } else if c == "(" {
                    depth += 1
                } else if c == ")" {
                    depth -= 1
                    if depth == 0 { return i }
                }
                i = text.index(after: i)
            }
            return nil
        }

        var compiledPattern: Compiled {
            lock.lock()
            defer { lock.unlock() }
            if let compiled { return compiled }
            // The patterns are constants of these files; `PhrasebookTests` compiles every one,
            // so a bad one fails the tests, never a lesson.
            let made = try! Self.compile(pattern)
            compiled = made
            return made
        }

        /// The most scalars a lookbehind of the phrase files spans (the longest is
        /// `[가-힣][^\n]{0,300}`), with room to spare.
        static let lookbehindWindow = 512

        /// The matches of the pattern in `text`, left to right, not overlapping.
        func matches(in text: String) -> [Regex<AnyRegexOutput>.Match] {
            let compiled = compiledPattern
            if compiled.behind.isEmpty { return text.matches(of: compiled.body) }
            let scalars = text.unicodeScalars
            var found: [Regex<AnyRegexOutput>.Match] = []
            var from = text.startIndex
            while from <= text.endIndex, let match = text[from...].firstMatch(of: compiled.body) {
                let start = match.range.lowerBound
                // A lookbehind is tested on the last `lookbehindWindow` scalars before the match,
                // not on all the text before it: a long message with many candidate matches would
                // otherwise cost its length squared.
                let windowStart = scalars.index(start, offsetBy: -Self.lookbehindWindow, limitedBy: text.startIndex) ?? text.startIndex
                let before = text[windowStart..<start]
                let passes = compiled.behind.allSatisfy { b in
                    if b.orStart && start == text.startIndex { return true }
                    return (before.firstMatch(of: b.ending) != nil) != b.negated
                }
                if passes {
                    found.append(match)
                    from = match.range.isEmpty ? (start < text.endIndex ? scalars.index(after: start) : text.endIndex) : match.range.upperBound
                    if match.range.isEmpty && start == text.endIndex { break }
                } else {
                    guard start < text.endIndex else { break }
                    from = scalars.index(after: start)
                }
            }
            return found
        }

        /// `text` with every match replaced by `korean`, whose `$1` … `$9` are the groups'
        /// text (an absent group is empty) and `\x` is `x`; nil when nothing matches.
        func replacingMatches(in text: String) -> String? {
            let found = matches(in: text)
            if found.isEmpty { return nil }
            let scalars = text.unicodeScalars
            var out = String.UnicodeScalarView()
            var last = scalars.startIndex
            for match in found {
                out.append(contentsOf: scalars[last..<match.range.lowerBound])
                var t = korean.unicodeScalars.makeIterator()
                while let c = t.next() {
                    if c == "$" {
                        guard let d = t.next() else { out.append(c); break }
                        if let n = Int(String(d)), n < match.output.count {
                            if let group = match.output[n].substring { out.append(contentsOf: group.unicodeScalars) }
                        } else {
                            out.append(c)
                            out.append(d)
                        }
                    } else if c == "\\" {
                        if let d = t.next() { out.append(d) }
                    } else {
                        out.append(c)
                    }
                }
                last = match.range.upperBound
            }
            out.append(contentsOf: scalars[last...])
            return String(out)
        }

        /// Text every match begins with (`prefix`, for a pattern anchored with `^`) and text
        /// every match holds (`required`): tests of a few bytes that spare the regular
        /// expression nearly every message it cannot match. With some 900 patterns, a lesson
        /// with thousands of errors would otherwise spend seconds in them. Empty when the
        /// pattern has no such text.
        let prefix: [UInt8]
        let required: [UInt8]
    }

    /// What every match of `pattern` must hold: the literal text it begins with when it is
    /// anchored with `^` (else ""), and the longest literal run outside every group (a group
    /// may be optional). Nothing is sure when the pattern has a `|` outside every group, and a
    /// character followed by `?`, `*` or `{` (perhaps absent) ends a run without joining it.
    static func requiredText(_ pattern: String) -> (prefix: String, required: String) {
        // Unicode scalars, not Characters: a pattern's syntax is ASCII, and grapheme breaking
        // over some 900 patterns was most of the time a Korean page's first message took.
        let p = Array(pattern.unicodeScalars)
        var runs: [String.UnicodeScalarView] = []
        var run = String.UnicodeScalarView()
        var depth = 0, i = 0, inClass = false
        var prefix: String? = p.first == "^" ? nil : ""
        func endRun() {
            if prefix == nil { prefix = String(run) }
            runs.append(run)
            run = String.UnicodeScalarView()
        }
        func isWordScalar(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c.properties.numericType != nil }
        if p.first == "^" { i = 1 }
        while i < p.count {
            let c = p[i]
            if inClass {
                if c == "\\" { i += 2; continue }
                if c == "]" { inClass = false }
                i += 1
                continue
            }
            var literal: Unicode.Scalar?
            var width = 1
            if c == "\\" {
                width = 2
                if i + 1 < p.count, !isWordScalar(p[i + 1]) { literal = p[i + 1] }
            } else if !".[](){}*+?|^$".unicodeScalars.contains(c) {
                literal = c
            }
            if c == "|" && depth == 0 { return ("", "") }
            if depth == 0, let literal {
                if i + width < p.count, "?*{".unicodeScalars.contains(p[i + width]) {
                    endRun()
                } else {
                    run.append(literal)
                }
            } else {
                endRun()
                if c == "[" { inClass = true } else if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
                // A counted quantifier's digits are not text to find.
                if c == "{", let close = p[i...].firstIndex(of: "}") { i = close + 1; continue }
            }
            i += width
        }
        endRun()
        let longest = runs.max { $0.count < $1.count } ?? String.UnicodeScalarView()
        return (prefix ?? "", String(longest))
    }

    /// A formula (or caption) in `language`.
    public static func formula(_ english: String, _ language: LessonLanguage) -> String {
        language == .korean ? koreanFormulas.value(for: english) { apply(formulaPhrases, to: $0) } : english
    }

    /// Formulas already translated: a Korean page shows each of its formulas in Markdown and in
    /// HTML, and a lesson repeats many.
    static let koreanFormulas = BoundedMemo<String, String>(capacity: 4096)

    /// A warning or an error message in `language`: whole-message patterns first, then the
    /// formula phrases (a warning may quote a formula's words).
    public static func message(_ english: String, _ language: LessonLanguage) -> String {
        language == .korean ? apply(formulaPhrases, to: apply(messagePhrases, to: english)) : english
    }

    static func apply(_ phrases: [Phrase], to text: String) -> String {
        // Only text with a run of two ASCII letters can hold an English word.
        var previousLetter = false
        var hasWord = false
        for u in text.utf8 {
            let letter = (u >= 65 && u <= 90) || (u >= 97 && u <= 122)
            if letter && previousLetter { hasWord = true; break }
            previousLetter = letter
        }
        guard hasWord else { return text }
        var out = text
        var bytes = Array(out.utf8)
        for p in phrases {
            // Bytes, not Characters: a combining mark after the text must not hide it.
            if !bytes.withUnsafeBufferPointer({ mayMatch($0, prefix: p.prefix, required: p.required) }) { continue }
            guard let replaced = p.replacingMatches(in: out) else { continue }
            out = replaced
            bytes = Array(out.utf8)
        }
        return out
    }

    /// Whether `text` begins with `prefix` and holds `required` (memchr and memcmp: this runs
    /// for every pattern and message).
    static func mayMatch(_ text: UnsafeBufferPointer<UInt8>, prefix: [UInt8], required: [UInt8]) -> Bool {
        guard let base = text.baseAddress else { return prefix.isEmpty && required.isEmpty }
        if !prefix.isEmpty {
            guard text.count >= prefix.count, prefix.withUnsafeBufferPointer({ memcmp(base, $0.baseAddress!, prefix.count) }) == 0 else { return false }
        }
        return required.isEmpty || required.withUnsafeBufferPointer { needle in
            // memchr for the first byte, memcmp for the rest (Glibc's memmem is not in Swift's overlay).
            let n = needle.count
            var at = UnsafeRawPointer(base), left = text.count
            while left >= n {
                guard let hit = memchr(at, Int32(needle[0]), left - n + 1) else { return false }
                if memcmp(hit, needle.baseAddress!, n) == 0 { return true }
                left -= (UnsafeRawPointer(hit) - at) + 1
                at = UnsafeRawPointer(hit) + 1
            }
            return false
        }
    }

    static func compile(_ pairs: [(String, String)]) -> [Phrase] {
        pairs.map { Phrase(pattern: $0.0, korean: $0.1) }
    }

    /// Every message pattern, in the order they apply: each area's errors (whole messages,
    /// in their own files under `Phrasebook/`), then the warnings and the fragments many
    /// messages share.
    static let messagePhrases: [Phrase] = compile(
        coreErrorPhrases + directiveErrorPhrases + lessonErrorPhrases + gradeErrorPhrases + sharedMessagePhrases)

    /// Warnings (`Step.warnings`, `Report.warnings`) and stop reasons, matched whole, and the
    /// fragments that recur in errors of every area.
    static let sharedMessagePhrases: [(String, String)] = [
        (#"^the loss grows: from step (\d+) on it rises at every step \((\S+) → (\S+)\): lr=(\S+) is too large, so each update overshoots the minimum"#,
         "손실이 커집니다: $1단계부터 매 단계 커집니다($2 → $3). lr=$4은 너무 커서 갱신할 때마다 최솟값을 지나칩니다"),
        (#"^the loss grew from (\S+) at step 0 to (\S+) at step (\d+): lr=(\S+) may be too large"#,
         "손실이 0단계의 $1에서 $3단계의 $2로 커졌습니다: lr=$4이 너무 클 수 있습니다"),
        (#"; with this data gradient descent settles only for lr below (\S+)$"#,
         "; 이 데이터에서 경사 하강법은 lr이 $1보다 작을 때만 수렴합니다"),
        (#"^the x values are too large: x² overflows \(over 1\.8e308\), so no lr lets gradient descent settle; use smaller numbers$"#,
         "x 값이 너무 큽니다: x²이 넘칩니다(1.8e308 초과). 어떤 lr로도 경사 하강법이 수렴하지 않으니 더 작은 수를 쓰세요"),
        (#"^the loss at the starting values is already too large to represent \(∞\), so no update was run: \(w·x − y\)² overflows for these x=, y= and starting w= and b=; use smaller numbers$"#,
         "시작 값에서 이미 손실이 너무 커서 나타낼 수 없으므로(∞) 갱신은 하지 않았습니다: 이 x=, y=와 시작 w=, b=에서는 (w·x − y)²이 넘칩니다. 더 작은 수를 쓰세요"),
        (#"^training stopped after step (\d+) of (\d+): the numbers became too large to represent \(∞\), so the remaining updates were not run$"#,
         "$2단계 중 $1단계에서 학습을 멈췄습니다: 숫자가 너무 커져 나타낼 수 없으므로(∞) 남은 갱신은 하지 않았습니다"),
        (#"^training stopped after (\d+) of (\d+) updates: the next update made the numbers too large to represent \(∞\), so lr=(\S+) is far too large$"#,
         "$2번 중 $1번 갱신한 뒤 학습을 멈췄습니다: 다음 갱신에서 숫자가 너무 커져 나타낼 수 없으므로(∞) lr=$3은 너무 큽니다"),
        (#"^training stopped after (\d+) of (\d+) epochs: the loss or the gradients became too large to represent \(∞\); lr=(\S+) is probably too large. The network keeps the last finite weights$"#,
         "$2에포크 중 $1에포크 뒤 학습을 멈췄습니다: 손실이나 기울기가 너무 커져 나타낼 수 없습니다(∞). lr=$3이 너무 큰 것 같습니다. 신경망은 마지막 유한한 가중치를 그대로 둡니다"),
        (#"^the loss grew from (\S+) to (\S+): lr=(\S+) may be too large$"#,
         "손실이 $1에서 $2로 커졌습니다: lr=$3이 너무 클 수 있습니다"),
        (#"^input was NFC-normalised: decomposed characters \(such as Hangul jamo\) were composed before counting pairs$"#,
         "입력을 NFC로 정규화했습니다: 분해된 문자(한글 자모 등)를 합친 뒤 쌍을 셌습니다"),
        (#"^input was NFC-normalised: decomposed characters \(such as Hangul jamo\) were composed before the lookup$"#,
         "입력을 NFC로 정규화했습니다: 분해된 문자(한글 자모 등)를 합친 뒤 찾았습니다"),
        (#"^input was NFC-normalised: decomposed characters \(such as Hangul jamo\) were composed, so the tokens are whole syllables$"#,
         "입력을 NFC로 정규화했습니다: 분해된 문자(한글 자모 등)를 합쳤으므로 토큰은 온전한 음절입니다"),
        (#"^stopped after (\d+) of (\d+) merges: no pair of symbols occurs twice any more$"#,
         "병합 $2번 중 $1번 뒤 멈췄습니다: 두 번 이상 나오는 기호 쌍이 더 없습니다"),
        (#"^the text has more than (\d+) tokens; the rest was cut off \(max_tokens=(\d+)\)$"#,
         "텍스트의 토큰이 $1개보다 많아 나머지는 잘랐습니다(max_tokens=$2)"),
        (#"^the text has more than (\d+) tokens; the rest was cut off$"#,
         "텍스트의 토큰이 $1개보다 많아 나머지는 잘랐습니다"),
        (#"^top=(\d+) is more than the (\d+) tokens of the vocabulary, so each step lists them all$"#,
         "top=$1이 어휘의 토큰 $2개보다 많아 단계마다 모두 보입니다"),
        (#"^generation stopped after (\d+) of (\d+) steps: '(.*)' is not in the corpus, so generation stopped$"#,
         "$2단계 중 $1단계 뒤 생성을 멈췄습니다: '$3'이(가) 말뭉치에 없습니다"),
        (#"^generation stopped after (\d+) of (\d+) steps: '(.*)' never has a next token in the corpus, so generation stopped$"#,
         "$2단계 중 $1단계 뒤 생성을 멈췄습니다: 말뭉치에서 '$3' 다음에 오는 토큰이 없습니다"),
        (#"^the vectors vary along only one direction, so PC2 is 0 for every point$"#,
         "벡터가 한 방향으로만 달라지므로 모든 점의 PC2는 0입니다"),
        (#"^k=(\d+) but only (\d+) candidates are left, so all are shown$"#,
         "k=$1이지만 남은 후보가 $2개뿐이라 모두 보입니다"),
        (#"^'(.*)' is not a directive, so this block is shown as code and not run; did you mean '(.*)'\?$"#,
         "'$1'은(는) 지시문이 아니므로 이 블록은 실행하지 않고 코드로 보입니다. '$2'을(를) 뜻했나요?"),
        // The most common errors (the rest stay English: see docs/CHOICES.md).
        (#"^undefined name '(.*?)'"#, "정의되지 않은 이름 '$1'"),
        (#"; did you mean '(.*?)'\?"#, "; '$1'을(를) 뜻했나요?"),
        (#" \(nothing is defined yet: define it above with a let block\)$"#, " (아직 정의된 이름이 없습니다: 위에서 let 블록으로 정의하세요)"),
        (#" \(defined so far: (.*)\)$"#, " (지금까지 정의된 이름: $1)"),
        (#"^'(.*?)' is undefined because the (\S+) step at (\S+) failed \(see its error at (\S+)\)$"#,
         "$3의 $2 단계가 실패해서 '$1'이(가) 정의되지 않았습니다($4의 오류를 보세요)"),
        (#"^the (\S+) fence opened here is never closed; the block runs to the end of the file$"#,
         "여기서 연 $1 펜스가 닫히지 않아 블록이 파일 끝까지 이어집니다"),
        (#"^unknown argument '(.*?)' for ([^\s;]+)"#, "$2에 없는 인수 '$1'"),
        (#"^(\d+) more unknown arguments? for (\S+), from '(.*)' on$"#, "'$3'부터 $2에 없는 인수가 $1개 더 있습니다"),
        (#"^(\d+) more unexpected words? for (\S+), from '(.*)' on$"#, "'$3'부터 블록 첫 줄(정보 문자열)에 알 수 없는 낱말이 $1개 더 있습니다"),
        (#"^(\d+) more unknown arguments or unexpected words for (\S+), from '(.*)' on$"#, "'$3'부터 $2에 없는 인수나 알 수 없는 낱말이 $1개 더 있습니다"),
        (#" \(valid arguments: (.*)\)$"#, " (쓸 수 있는 인수: $1)"),
        (#"^the HTML element <(.*?)> is not allowed in prose, so it is shown as text; allowed: (.*)$"#,
         "HTML 요소 <$1>은(는) 본문에 쓸 수 없어 글자로 보입니다. 쓸 수 있는 요소: $2"),
    ]

    /// Phrases inside formulas and captions: whole formulas first, then recurring fragments.
    static let formulaPhrases: [Phrase] = compile([
        // Whole descriptions.
        (#"BPE: each word's characters \(\+ </w>\), merged in the order the merges were learned"#,
         "BPE: 각 단어의 문자(+ </w>)를 병합을 배운 순서대로 합침"),
        (#"WordPiece: split on spaces and punctuation, then the longest piece in the vocabulary first; ## marks a continuation"#,
         "WordPiece: 공백과 문장 부호에서 나누고, 어휘에서 가장 긴 조각부터; ##는 이어지는 조각 표시"),
        (#"WordPiece: the longest piece in the vocabulary first, ## continues a word, \[UNK\] when a word cannot be spelled; then \[CLS\] … \[SEP\]"#,
         "WordPiece: 어휘에서 가장 긴 조각부터, ##는 단어가 이어짐, 조각으로 쓸 수 없는 단어는 [UNK]; 그다음 [CLS] … [SEP]"),
        (#"BERT's tokenizer: lower-case, strip accents, split punctuation, WordPiece \(## continues a word\), then \[CLS\] … \[SEP\]"#,
         "BERT 토크나이저: 소문자로 바꾸고, 악센트를 없애고, 문장 부호를 나누고, WordPiece(##는 단어가 이어짐), 그다음 [CLS] … [SEP]"),
        (#"each round merges the most frequent adjacent pair \(counts weighted by word frequency; ties: the largest pair\)"#,
         "매 회차 가장 자주 붙어 나오는 쌍을 합침 (단어 빈도로 가중한 횟수; 동점이면 가장 큰 쌍)"),
        (#"the corpus words split by the merges \(</w> marks the end of a word\)"#,
         "병합으로 나눈 말뭉치의 단어 (</w>는 단어의 끝 표시)"),
        (#"the training labels, in order of first appearance"#, "학습 레이블, 처음 나온 순서대로"),
        (#"one token per character \(grapheme cluster\)"#, "문자마다 토큰 하나 (자소 묶음 단위)"),
        (#"split on spaces, punctuation as words of its own"#, "공백에서 나누고, 문장 부호는 따로 한 단어"),
        // tokenize_bert's normalisation steps, joined by commas.
        (#"^remove control characters"#, "제어 문자 제거"),
        (#", space out CJK ideographs"#, ", 한자 앞뒤에 공백"),
        (#", lower-case"#, ", 소문자로"),
        (#", strip accents \(NFD, drop marks\)"#, ", 악센트 제거 (NFD 분해 후 결합 부호 제거)"),
        (#"^unchanged$"#, "그대로"),
        (#"LayerNorm\(word \+ position \+ "#, "LayerNorm(단어 + 위치 + "),
        (#" by rows$"#, ", 행마다"),
        (#"^the (\d+) rows? of (\S+) with the highest cosine to the sentence vector of the text"#, "텍스트의 문장 벡터와 코사인이 가장 높은 $2의 행 $1개"),
        (#" with a, b the sentence vectors"#, ", a와 b는 문장 벡터"),
        (#"the model's sentence vector of training sentence (\w+) \(mean pooling, unit length\)"#, "학습용 문장 $1의 모델 문장 벡터 (평균 풀링, 길이 1)"),
        (#"the model's sentence vector of held-out sentence (\w+) \(mean pooling, unit length\)"#, "평가용 문장 $1의 모델 문장 벡터 (평균 풀링, 길이 1)"),
        (#"the text split at whitespace"#, "공백에서 나눈 텍스트"),
        (#"split on whitespace"#, "공백에서 나눔"),
        (#"the token's position in the vocabulary \((\S+) for a token it lacks\)"#, "어휘에서 토큰의 위치 (없는 토큰은 $1)"),
        (#"the token's line in vocab\.txt, from 0"#, "vocab.txt에서 토큰의 줄 번호 (0부터)"),
        (#"config\.json and tokenizer_config\.json of (.+)$"#, "$1의 config.json과 tokenizer_config.json"),
        (#"the tensors of model\.safetensors"#, "model.safetensors의 텐서"),
        (#"the number of weights in model\.safetensors \(every floating-point tensor, as num_parameters\(\) counts them\)"#,
         "model.safetensors에 든 가중치의 수 (num_parameters()처럼 부동소수점 텐서를 모두 셈)"),
        (#"the heads' outputs side by side"#, "헤드들의 출력을 나란히 붙임"),
        (#"the mean of the last layer's rows \(\[CLS\] and \[SEP\] included\)"#, "마지막 층 행들의 평균 ([CLS]와 [SEP] 포함)"),
        (#"each row: mean of the last layer's rows, divided by its length"#, "각 행: 마지막 층 행들의 평균을 그 길이로 나눔"),
        (#"the class with the largest score"#, "점수가 가장 큰 클래스"),
        (#", the share of the total variance each axis keeps"#, ", 각 축이 간직하는 전체 분산의 비율"),
        (#", the principal axes of the centred table \(each axis's largest entry made positive\)"#,
         ", 중심을 맞춘 표의 주축 (각 축에서 가장 큰 항목이 양수가 되게)"),
        (#"\(the softmax Jacobian, row by row(.*)\)"#, "(softmax의 야코비 행렬, 행마다$1)"),
        (#"the mean of the word vectors of held-out sentence (\w+)"#, "평가용 문장 $1의 단어 벡터 평균"),
        (#"the mean of the word vectors of training sentence (\w+)"#, "학습용 문장 $1의 단어 벡터 평균"),
        (#"the table's vector of token (\w+)"#, "토큰 $1의 표 벡터"),
        (#"the row of (\S+) for each token"#, "토큰마다 $1의 행"),
        (#"Σ rows \(the mean of the token vectors\)"#, "Σ 행 (토큰 벡터의 평균)"),
        (#"(\S+): each (\S+) picture flattened row by row into one row of (\d+) features"#,
         "$1: 각 $2 그림을 행 순서대로 펼쳐 특징 $3개의 한 행으로"),
        (#"(\d+)×(\d+) pixels, 0 = dark … 1 = light"#, "$1×$2 픽셀, 0 = 어두움 … 1 = 밝음"),
        (#"(\d+) tokens × (\d+) dimensions"#, "토큰 $1개 × $2차원"),
        (#"(\d+) right / (\d+) held-out sentences"#, "맞힌 문장 $1개 / 평가용 문장 $2개"),
        (#"rows of (.+) scaled to length 1"#, "$1의 행을 길이 1로 맞춤"),
        (#"\(cosine of caption i and picture j, over T\)"#, "(캡션 i와 그림 j의 코사인을 T로 나눔)"),
        (#"softmax of each row of (\w+)"#, "$1의 행마다 softmax"),
        (#"\(for each caption, which picture\)"#, "(캡션마다 어느 그림인지)"),
        (#"the (logits|loss) with the trained (\w+) and (\w+)"#, "학습된 $2와 $3로 다시 계산한 $1"),
        (#"^history: the loss before each update, "#, "history: 매 갱신 전의 손실, "),
        (#"\(and (\w+) alike\)"#, "($1도 같은 방식)"),
        (#"^the (\d+) rows? of (\S+) with the highest cosine to the query"#, "질의와 코사인이 가장 높은 $2의 행 $1개"),
        (#"^the (\d+) rows? of (\S+) with the highest cosine to ('[^']*')"#, "$3와 코사인이 가장 높은 $2의 행 $1개"),
        (#", leaving out (.+)$"#, ", $1 제외"),
        (#"the prompt \+ (\d+) generated tokens?, each fed back in as input"#, "프롬프트 + 생성한 토큰 $1개 (하나씩 다시 입력으로 넣음)"),
        (#" \(stopped early: see the warning\)"#, " (일찍 멈춤: 주의를 보세요)"),
        (#"^after ('.*') → ('.*') \(p = (\S+), sampled at T = (\S+) with u = (\S+)\)"#, "$1 다음 → $2 (p = $3, T = $4에서 u = $5로 뽑음)"),
        (#"^after ('.*') → ('.*') \(p = (\S+), the most probable\)"#, "$1 다음 → $2 (p = $3, 확률이 가장 높음)"),
        (#"(\S+) summed over the examples"#, "$1을 예제에 대해 더함"),
        (#" over (\d+) examples? × (\d+) outputs?"#, ", 예제 $1개 × 출력 $2개에 대해"),
        (#" over all (\d+) entries"#, ", 항목 $1개 모두에 대해"),
        (#" averaged over the sequences"#, " (시퀀스에 대해 평균)"),
        (#" at the final (\w+) and (\w+)$"#, ", 최종 $1와 $2에서"),
        (#" at the final (\w+)$"#, ", 최종 $1에서"),
        (#" over rows \+ the same over columns\)"#, " (행마다) + 열마다 같은 값)"),
        (#"^one row per point: "#, "점마다 한 행: "),
        (#"\((\d+) points? against its (\S+) column\)"#, "(점 $1개, x는 $2 열)"),
        (#"\((\d+) points? against (\S+)\)"#, "(점 $1개, x는 $2)"),
        (#"\((\d+) points? against the index\)"#, "(점 $1개, x는 순번)"),
        (#"; y on a log scale"#, "; y는 로그 눈금"),
        // Rows of a history.
        (#"^row e: the loss after e updates, each (.*) and (b ← .*)$"#, "e행: e번 갱신한 뒤의 손실, 매번 $1, $2"),
        (#"^row k: before update k\+1, "#, "k행: k+1번째 갱신 전, "),
        (#" and the training accuracy;"#, ", 그리고 학습 정확도;"),
        (#"^row k: the loss after k updates;"#, "k행: k번 갱신한 뒤의 손실;"),
        (#"^row k: the parameters before update k\+1 and the loss and gradients there;"#, "k행: k+1번째 갱신 전의 매개변수와 그때의 손실과 기울기;"),
        (#"^row (\w+), column (\w+): "#, "$1행, $2열: "),
        (#"^row (\w+) = "#, "$1행 = "),
        // Training and updates.
        (#"J = diag\(w\) − w·wᵀ for w = row (\d+)((?: \([^)]*\))?) of (\S+): "#, "J = diag(w) − w·wᵀ (w는 $3의 $1행$2): "),
        (#"(\S+) before training = the identity"#, "학습 전의 $1 = 단위 행렬"),
        (#"\(fixed: not in learn=\)"#, "(고정: learn=에 없음)"),
        (#"\(fixed: (\S+)\)"#, "(고정: $1)"),
        (#" before training$"#, " (학습 전)"),
        (#" after training$"#, " (학습 후)"),
        (#" after (\d+) updates?"#, " ($1번 갱신 후)"),
        (#" after (\d+) steps?"#, " ($1단계 후)"),
        (#" after (\d+) epochs?"#, " ($1에포크 후)"),
        (#"\(stored as (\w+)\)"#, "($1에 저장)"),
        (#"\(one column per class\)"#, "(클래스마다 열 하나)"),
        (#"\(one score per class\)"#, "(클래스마다 점수 하나)"),
        (#"\(linear output\)"#, "(선형 출력)"),
        (#"\(no (\w+) given\)"#, "($1 없음)"),
        (#", Xavier uniform "#, ", Xavier 균등 분포 "),
        (#", seed (\d+)"#, ", 시드 $1"),
        (#"\(each row: mean 0, variance 1\)"#, "(각 행: 평균 0, 분산 1)"),
        (#"\(each row sums to 1\)"#, "(각 행의 합은 1)"),
        (#", row by row"#, ", 행마다"),
        (#", with (δ)"#, ", 여기서 $1"),
        (#", with −∞ where "#, ", −∞를 넣는 곳: "),
        (#" \(causal\)"#, " (인과 마스크)"),
        (#"\(the shape of (\S+)\)"#, "($1의 모양)"),
    ])
}
