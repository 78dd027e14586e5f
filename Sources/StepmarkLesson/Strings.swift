/// The one table of the words stepmark itself writes about a lesson (SPEC §8): labels,
/// captions, the terminal's summary, the Markdown report's headings, the step-through's keys,
/// the HTML page's chrome and the course index. Every `StringKey` has an English and a Korean
/// entry; `StringsTests` fails when either language lacks one, or when their `{0}`, `{1}`
/// placeholders differ.
///
/// Grading feedback has its own table (`FeedbackWords`, StepmarkGrade); the words inside
/// formulas and directive warnings are translated by `Phrasebook`.
public enum StringKey: String, Sendable, CaseIterable {
    // Labels of problems, in every renderer.
    case warningLabel, errorLabel, warningTitle, errorTitle
    // Terminal.
    case stepHeader, stepsRanOne, stepsRanMany, stepsFailedOne, stepsFailedMany, errorCountOne, errorCountMany
    case rowsInJSONTerminal, ids, fitColumnsShown, tableShape
    // Markdown.
    case rowsInJSONMarkdown
    // Exercises (Markdown and HTML tables).
    case exercises, exercise, score, result, feedback, passed, notPassed
    // The hidden values of a handout.
    case hiddenExercise, hiddenDerived
    // Step-through (`stepmark step`).
    case stepBlock, stepKeys, stepAtEnd, stepGoPrompt, stepOf, stepNoBlock, stepLinesAbove
    case stepSolutionOpen, stepSolutionClose
    // The HTML page.
    case back, next, showAll, upNext, showEverything, stepThrough, keys, step, line
    case answerTo, points, point, checks, tolerance, studentTask, hiddenAnswer, solution
    case rowsShown, colsShown, rowMax, generated, numbers, attentionCaption, courseIndex, exerciseTitle
    // The HTML page's accessibility words (issue 22): what the colours mean, the announcements.
    case shading, shadeSequential, shadeDiverging, rowMaxMark, hatched, candidate, value, chosen, subStep, skip
    case scatterTitle, candidatesTitle, pictureDescription, pictureTitle
    case lineTitle, lineDescription, scatterDescription, componentOne, componentTwo
    // Charts.
    case plotLogScale, plotIndex, plotNothing, plotLine, plotScatter, plotBar, plotSeriesCount
    case plotLogarithmic, plotPointsOne, plotPointsMany, plotAt, plotFromTo, plotBy
    // The course index.
    case courseTitle, courseLead, courseLanguages, courseLessons, courseHasErrors
    case languageEnglish, languageKorean

    /// The English entry.
    var english: String {
        switch self {
        case .warningLabel: "warning: "
        case .errorLabel: "error: "
        case .warningTitle: "Warning"
        case .errorTitle: "Error"
        case .stepHeader: "step"
        case .stepsRanOne: "{0} step ran, no errors"
        case .stepsRanMany: "{0} steps ran, no errors"
        case .stepsFailedOne: "{0} of {1} step failed"
        case .stepsFailedMany: "{0} of {1} steps failed"
        case .errorCountOne: "({0} error)"
        case .errorCountMany: "({0} errors)"
        case .rowsInJSONTerminal: "({0} rows; the full table is in the JSON output)"
        case .ids: "ids"
        case .fitColumnsShown: "({0}; {1} of {2} columns shown)"
        case .tableShape: "{0} rows × {1} columns"
        case .rowsInJSONMarkdown: "{0} rows; every row is in the JSON output."
        case .exercises: "Exercises"
        case .exercise: "exercise"
        case .score: "score"
        case .result: "result"
        case .feedback: "feedback"
        case .passed: "passed"
        case .notPassed: "not passed"
        case .hiddenExercise: "The values of exercise {0} are hidden until the answers are published."
        case .hiddenDerived: "Hidden until the answers are published: this step uses {0}, computed from an exercise."
        case .stepBlock: "block"
        case .stepKeys: "→/Space next · ←/b back · n/p block · g N⏎ go · q quit"
        case .stepAtEnd: "end of the lesson · q quits"
        case .stepGoPrompt: "go to block: "
        case .stepOf: "step {0} of {1}"
        case .stepNoBlock: "no block {0}; blocks are 1 to {1}"
        case .stepLinesAbove: "↑ {0} more lines above"
        case .stepSolutionOpen: "┄┄ solution (teacher only) ┄┄"
        case .stepSolutionClose: "┄┄ end of solution ┄┄"
        case .back: "◀ Back"
        case .next: "Next ▶"
        case .showAll: "Show all"
        case .upNext: "Next:"
        case .showEverything: "Show every step"
        case .stepThrough: "Step through"
        case .keys: "Press <kbd>→</kbd> to reveal the next sub-step, <kbd>←</kbd> to hide it"
        case .step: "step"
        case .line: "line"
        case .answerTo: "Answer to exercise"
        case .points: "points"
        case .point: "point"
        case .checks: "checks"
        case .tolerance: "tolerance"
        case .studentTask: "Work this out yourself and write it in the answer block"
        case .hiddenAnswer: "Your answer goes here: replace each ? with a value."
        case .solution: "Solution — teacher only"
        case .rowsShown: "rows shown of"
        case .colsShown: "columns shown of"
        case .rowMax: "largest in its row"
        case .generated: "Rendered by stepmark from"
        case .numbers: "The numbers"
        case .attentionCaption: "rows: queries · columns: keys"
        case .courseIndex: "← Course index"
        case .exerciseTitle: "Exercise"
        case .shading: "shading"
        case .shadeSequential: "more colour: larger"
        case .shadeDiverging: "orange: below 0 · blue: above 0 · more colour: farther from 0"
        case .rowMaxMark: "outlined and bold: largest in its row"
        case .hatched: "hatched: infinite (masked)"
        case .candidate: "candidate"
        case .value: "value"
        case .chosen: "chosen"
        case .subStep: "Sub-step"
        case .skip: "Skip to the lesson"
        case .scatterTitle: "{0}: {1} points in two dimensions"
        case .candidatesTitle: "{0}: the top {1} candidates for the next token"
        case .pictureDescription: "{0} by {1} pixels, 0 is dark and 1 is light"
        case .pictureTitle: "{0}: {1}×{2} picture"
        case .lineTitle: "{0}: {1} by {2}"
        case .lineDescription: "{0} from {1} at {2} {3} to {4} at {2} {5}; {6} points."
        case .scatterDescription: "{0} points: {1}"
        case .componentOne: "component 1"
        case .componentTwo: "component 2"
        case .plotLogScale: " (log scale)"
        case .plotIndex: "index"
        case .plotNothing: "nothing to draw"
        case .plotLine: "Line chart"
        case .plotScatter: "Scatter plot"
        case .plotBar: "Bar chart"
        case .plotSeriesCount: "of {0} series"
        case .plotLogarithmic: ", y on a logarithmic scale"
        case .plotPointsOne: "{0} point"
        case .plotPointsMany: "{0} points"
        case .plotAt: "{0} at x = {1}"
        case .plotFromTo: "from {0} to {1}"
        case .plotBy: "by"
        case .courseTitle: "stepmark course"
        case .courseLead: "Every page works offline and prints on A4; in a lesson, <kbd>→</kbd> reveals the next sub-step of a directive."
        case .courseLanguages: "Languages"
        case .courseLessons: "Lessons"
        case .courseHasErrors: "has errors"
        case .languageEnglish: "English"
        case .languageKorean: "한국어 (Korean)"
        }
    }

    /// The Korean entry.
    var korean: String {
        switch self {
        case .warningLabel: "주의: "
        case .errorLabel: "오류: "
        case .warningTitle: "주의"
        case .errorTitle: "오류"
        case .stepHeader: "단계"
        case .stepsRanOne: "{0}단계가 오류 없이 실행되었습니다"
        case .stepsRanMany: "{0}단계가 모두 오류 없이 실행되었습니다"
        case .stepsFailedOne: "{1}단계 중 {0}단계가 실패했습니다"
        case .stepsFailedMany: "{1}단계 중 {0}단계가 실패했습니다"
        case .errorCountOne: "(오류 {0}개)"
        case .errorCountMany: "(오류 {0}개)"
        case .rowsInJSONTerminal: "(모두 {0}행; 표 전체는 JSON 출력에 있습니다)"
        case .ids: "번호"
        case .fitColumnsShown: "({0}; 열 {2}개 중 {1}개 표시)"
        case .tableShape: "{0}행 × {1}열"
        case .rowsInJSONMarkdown: "모두 {0}행; 모든 행은 JSON 출력에 있습니다."
        case .exercises: "연습 문제"
        case .exercise: "연습 문제"
        case .score: "점수"
        case .result: "결과"
        case .feedback: "피드백"
        case .passed: "통과"
        case .notPassed: "통과 못 함"
        case .hiddenExercise: "연습 문제 {0}의 값은 답이 공개될 때까지 숨겨집니다."
        case .hiddenDerived: "답이 공개될 때까지 숨겨집니다: 이 단계는 연습 문제에서 계산된 {0}을(를) 씁니다."
        case .stepBlock: "블록"
        case .stepKeys: "→/스페이스 다음 · ←/b 이전 · n/p 블록 · g 번호⏎ 이동 · q 끝"
        case .stepAtEnd: "강의의 끝입니다 · q로 끝내기"
        case .stepGoPrompt: "이동할 블록: "
        case .stepOf: "단계 {0} / {1}"
        case .stepNoBlock: "블록 {0}은 없습니다; 1부터 {1}까지입니다"
        case .stepLinesAbove: "↑ 위에 {0}줄 더"
        case .stepSolutionOpen: "┄┄ 풀이 (교사용) ┄┄"
        case .stepSolutionClose: "┄┄ 풀이 끝 ┄┄"
        case .back: "◀ 이전"
        case .next: "다음 ▶"
        case .showAll: "모두 보기"
        case .upNext: "다음:"
        case .showEverything: "모든 단계 펼치기"
        case .stepThrough: "한 단계씩 보기"
        case .keys: "<kbd>→</kbd> 다음 단계 보기, <kbd>←</kbd> 되돌리기"
        case .step: "단계"
        case .line: "줄"
        case .answerTo: "연습 문제의 답:"
        case .points: "점"
        case .point: "점"
        case .checks: "확인 값"
        case .tolerance: "허용 오차"
        case .studentTask: "직접 계산해서 답안 블록에 적어 보세요"
        case .hiddenAnswer: "여기에 답을 적으세요: 각 ?를 값으로 바꾸세요."
        case .solution: "풀이 — 교사용"
        case .rowsShown: "행 표시 / 전체"
        case .colsShown: "열 표시 / 전체"
        case .rowMax: "행에서 가장 큰 값"
        case .generated: "stepmark로 만든 자료:"
        case .numbers: "숫자로 보기"
        case .attentionCaption: "행: 쿼리 · 열: 키"
        case .courseIndex: "← 강의 목차"
        case .exerciseTitle: "연습 문제"
        case .shading: "색"
        case .shadeSequential: "색이 짙을수록 큰 값"
        case .shadeDiverging: "주황: 0보다 작음 · 파랑: 0보다 큼 · 색이 짙을수록 0에서 멂"
        case .rowMaxMark: "테두리·굵은 글씨: 행에서 가장 큰 값"
        case .hatched: "빗금: 무한대(가려진 값)"
        case .candidate: "후보"
        case .value: "값"
        case .chosen: "선택됨"
        case .subStep: "하위 단계"
        case .skip: "본문으로 건너뛰기"
        case .scatterTitle: "{0}: 2차원의 점 {1}개"
        case .candidatesTitle: "{0}: 다음 토큰 후보 상위 {1}개"
        case .pictureDescription: "{0}×{1} 픽셀, 0은 어둡고 1은 밝음"
        case .pictureTitle: "{0}: {1}×{2} 그림"
        case .lineTitle: "{0}: {2}에 따른 {1}"
        case .lineDescription: "{0}: {2} {3}에서 {1}, {2} {5}에서 {4}; 점 {6}개."
        case .scatterDescription: "점 {0}개: {1}"
        case .componentOne: "성분 1"
        case .componentTwo: "성분 2"
        case .plotLogScale: " (로그 눈금)"
        case .plotIndex: "순번"
        case .plotNothing: "그릴 값이 없습니다"
        case .plotLine: "꺾은선 그래프"
        case .plotScatter: "산점도"
        case .plotBar: "막대 그래프"
        case .plotSeriesCount: "(계열 {0}개)"
        case .plotLogarithmic: ", y는 로그 눈금"
        case .plotPointsOne: "점 {0}개"
        case .plotPointsMany: "점 {0}개"
        case .plotAt: "x = {1}에서 {0}"
        case .plotFromTo: "{0}부터 {1}까지"
        case .plotBy: "/"
        case .courseTitle: "stepmark 강의"
        case .courseLead: "모든 쪽은 인터넷 없이 열리고 A4로 인쇄됩니다. 강의에서 <kbd>→</kbd>를 누르면 지시문의 다음 단계가 보입니다."
        case .courseLanguages: "언어"
        case .courseLessons: "강의"
        case .courseHasErrors: "오류 있음"
        case .languageEnglish: "English (영어)"
        case .languageKorean: "한국어"
        }
    }
}

/// The words of one language: `strings[.errorTitle]`, `strings(.stepsRanMany, 3)`.
public struct Strings: Sendable {
    public let language: LessonLanguage

    public init(_ language: LessonLanguage) { self.language = language }
    public static let english = Strings(.english)
    public static let korean = Strings(.korean)

    /// The entry as written, placeholders and all.
    public subscript(_ word: StringKey) -> String {
        language == .korean ? word.korean : word.english
    }

    /// The entry with `{0}`, `{1}`, … replaced by `arguments`.
    public func callAsFunction(_ word: StringKey, _ arguments: CustomStringConvertible...) -> String {
        Self.fill(self[word], arguments.map(\.description))
    }

    /// A count's entry: the `one` form for 1, else `many`.
    public func count(_ n: Int, one: StringKey, many: StringKey, _ more: CustomStringConvertible...) -> String {
        Self.fill(self[n == 1 ? one : many], [String(n)] + more.map(\.description))
    }

    static func fill(_ template: String, _ arguments: [String]) -> String {
        guard template.contains("{") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let i = Int(after[..<close]), i >= 0, i < arguments.count {
                out += arguments[i]
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }

    /// The placeholders an entry uses, for the completeness test.
    public static func placeholders(_ template: String) -> Set<Int> {
        var found = Set<Int>()
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let i = Int(after[..<close]) { found.insert(i) }
            rest = after
        }
        return found
    }
}

extension HiddenValues {
    /// The note a handout shows in place of the values, in `language`.
    public func note(_ language: LessonLanguage) -> String {
        let s = Strings(language)
        switch self {
        case .exercise(let id): return s(.hiddenExercise, id)
        case .derived(let names): return s(.hiddenDerived, names.joined(separator: ", "))
        }
    }
}
