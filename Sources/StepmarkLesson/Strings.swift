/// The one table of the words stepmark itself writes about a lesson (SPEC §8): labels,
/// captions, the terminal's summary, the Markdown report's headings, the step-through's keys,
/// the HTML page's chrome and the course index. Every `StringKey` has an English and a Korean
/// entry; `StringsTests` fails when either language lacks one, or when their `{0}`, `{1}`
/// placeholders differ.
///
/// Grading feedback is here too (the `fb…` keys), chosen by StepmarkGrade's `FeedbackWords`;
/// the words inside formulas and the messages of warnings and errors are translated by
/// `Phrasebook`.
public enum StringKey: String, Sendable, CaseIterable {
    // Labels of problems, in every renderer.
    case warningLabel, errorLabel, warningTitle, errorTitle
    // Terminal.
    case stepHeader, stepsRanOne, stepsRanMany, stepsFailedOne, stepsFailedMany, errorCountOne, errorCountMany
    case stepsRanErrorsElsewhereOne, stepsRanErrorsElsewhereMany
    case keyExercisesOne, keyExercisesMany, keyAnswersPass, keyAnswersSomePass
    case rowsInJSONTerminal, ids, fitColumnsShown, tableShape
    // Markdown.
    case rowsInJSONMarkdown
    // Exercises (Markdown and HTML tables).
    case exercises, exercise, score, result, feedback, passed, notPassed
    // The hidden values of a handout.
    case hiddenExercise, hiddenDerived, hiddenFromSolution
    // Step-through (`stepmark step`).
    case stepBlock, stepKeys, stepAtEnd, stepGoPrompt, stepOf, stepNoBlock, stepLinesAbove
    case stepSolutionOpen, stepSolutionClose
    // The HTML page.
    case back, next, showAll, upNext, showEverything, stepThrough, keys, step, line
    case answerTo, points, point, checks, tolerance, studentTask, hiddenAnswer, solution
    case rowsShown, colsShown, rowMax, generated, numbers, attentionCaption, courseIndex, exerciseTitle
    // The HTML page's accessibility words (issue 22): what the colours mean, the announcements.
    case shading, shadeSequential, shadeDiverging, rowMaxMark, hatched, candidate, value, chosen, subStep, skip
    case tokenCountOne, tokenCountMany
    case scatterTitle, candidatesTitle, pictureDescription, pictureTitle
    case lineTitle, lineDescription, scatterDescription, componentOne, componentTwo
    // Charts.
    case plotLogScale, plotIndex, plotNothing, plotLine, plotScatter, plotBar, plotSeriesCount
    case plotLogarithmic, plotPointsOne, plotPointsMany, plotAt, plotFromTo, plotBy
    // The course index.
    case courseTitle, courseLead, courseLanguages, courseLessons, courseHasErrors
    case languageEnglish, languageKorean
    // Grading feedback (StepmarkGrade's `FeedbackWords` chooses among these).
    case fbOneNumber, fbNumbersOne, fbNumbersMany, fbMatrix, fbTokensOne, fbTokensMany
    case fbOneText, fbTableOne, fbTableMany, fbNetwork, fbWrittenText, fbWrittenNumber
    case fbWrittenList, fbNoAnswer, fbUnreadable, fbShapeProblem, fbWrongShape, fbExpectedValue
    case fbWithinTolerance, fbExactly, fbNotExactly, fbEqualTo, fbKindTokens, fbKindText, fbKindEntries, fbCorrect
    case fbAllCorrect, fbExpectedShape, fbNotWithinTolerance, fbNotEqualTo, fbCountWithin, fbBlanks
    case fbTextForNumberOne, fbTextForNumberMany, fbNumberForTextOne, fbNumberForTextMany, fbWrongCells, fbWrongPositions
    case fbInAll, fbStepDidNotRun, fbKeyStepDidNotRun, fbCopyStepDidNotRun, fbNoAnswerGiven, fbDigits, fbForm
    case fbNotALiteral, fbBareWord, fbOnTime, fbLateDayOne, fbLateDayMany, fbLateHourOne
    case fbLateHourMany, fbLateDayOnePoints, fbLateDayManyPoints, fbLateHourOnePoints, fbLateHourManyPoints, fbLateNotApplied
    case fbMetadataUnreadable, fbMetadataTooLarge, fbMetadataNotJSON, fbMetadataField, fbFeedbackTitle, fbSubmission
    case fbScore, fbNotGraded, fbExerciseColumn, fbResultColumn, fbScoreColumn, fbPassed
    case fbNotYet, fbYourAnswer, fbPosition, fbMoreProblemsOne, fbMoreProblemsMany, fbProblems
    case fbShownLater, fbWithheldHidden, fbWithheldDue, fbWithheldPublished, fbTextNotGraded, fbTextTotal
    case fbOwnCheckShownLater, fbOwnCheckWithheldHidden, fbOwnCheckWithheldDue, fbOwnCheckWithheldPublished

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
        case .stepsRanErrorsElsewhereOne: "{0} step ran"
        case .stepsRanErrorsElsewhereMany: "{0} steps ran"
        case .keyExercisesOne: "{0} exercise, {1} {2}"
        case .keyExercisesMany: "{0} exercises, {1} {2} in all"
        case .keyAnswersPass: "; the key's own answers pass"
        case .keyAnswersSomePass: "; {0} of the key's own answers pass"
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
        case .hiddenFromSolution: "Hidden until the answers are published: this step uses {0}, computed in a solution."
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
        case .tokenCountOne: "1 token"
        case .tokenCountMany: "{0} tokens"
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
        case .fbOneNumber: "one number"
        case .fbNumbersOne: "a list of {0} number"
        case .fbNumbersMany: "a list of {0} numbers"
        case .fbMatrix: "a {0}×{1} matrix"
        case .fbTokensOne: "a list of {0} quoted token"
        case .fbTokensMany: "a list of {0} quoted tokens"
        case .fbOneText: "one \"quoted\" text"
        case .fbTableOne: "a table of {0} row × {1} columns ({2}), or only its number columns"
        case .fbTableMany: "a table of {0} rows × {1} columns ({2}), or only its number columns"
        case .fbNetwork: "a network (which cannot be written as an answer)"
        case .fbWrittenText: "text"
        case .fbWrittenNumber: "a number"
        case .fbWrittenList: "a list of {0}"
        case .fbNoAnswer: "No answer: add an ```answer {0}``` block holding {1}."
        case .fbUnreadable: "The answer could not be read: {0} ({1}). Expected {2}."
        case .fbShapeProblem: "expected {0}, but the answer is {1}"
        case .fbWrongShape: "Wrong shape: {0}."
        case .fbExpectedValue: "Expected: {0}."
        case .fbWithinTolerance: "within {0} of the expected value"
        case .fbExactly: "exactly the expected value"
        case .fbNotExactly: "The answer is not exactly the expected value"
        case .fbEqualTo: "equal to the expected {0}"
        case .fbKindTokens: "tokens"
        case .fbKindText: "text"
        case .fbKindEntries: "entries"
        case .fbCorrect: "Correct."
        case .fbAllCorrect: "Correct: all {0} entries are {1}."
        case .fbExpectedShape: "Expected {0}. "
        case .fbNotWithinTolerance: "The answer is not within {0} of the expected value"
        case .fbNotEqualTo: "The answer is not equal to the expected {0}"
        case .fbCountWithin: "{1} of {0} entries are {2}"
        case .fbBlanks: "; {0} left blank (?)"
        case .fbTextForNumberOne: "; {0} is \"text\" where a number belongs"
        case .fbTextForNumberMany: "; {0} are \"text\" where a number belongs"
        case .fbNumberForTextOne: "; {0} is a number where quoted text belongs"
        case .fbNumberForTextMany: "; {0} are a number where quoted text belongs"
        case .fbWrongCells: "Wrong entries (row, column): "
        case .fbWrongPositions: "Wrong entries (position): "
        case .fbInAll: ", … ({0} in all)"
        case .fbStepDidNotRun: "The exercise's own step did not run, so it cannot be graded (this is a problem in the lesson, not in the answer)."
        case .fbKeyStepDidNotRun: "The exercise's own step did not run in the key, so it cannot be graded (a problem in the key, not in the answer)."
        case .fbCopyStepDidNotRun: "The exercise's own step did not run in this copy, so it cannot be checked here; the file's other errors say why: a change outside the answer blocks (a deleted ``` or line), or this machine (a missing model, the time limit)."
        case .fbNoAnswerGiven: "No answer given: the answer is still ?. Expected {0}."
        case .fbDigits: "written in digits (with a sign, a decimal point or an exponent such as e-3 if needed; -inf for minus infinity)"
        case .fbForm: "written as {0} with a number in place of each ?"
        case .fbNotALiteral: "The answer could not be read: '{0}' is not a value ({1}). Expected {2}, {3}."
        case .fbBareWord: "'{0}' is not a value; this answer takes numbers"
        case .fbOnTime: "Submitted on time: nothing is taken off."
        case .fbLateDayOne: "Submitted {0} day late: {1}% of the points earned is taken off."
        case .fbLateDayMany: "Submitted {0} days late: {1}% of the points earned is taken off."
        case .fbLateHourOne: "Submitted {0} hour late: {1}% of the points earned is taken off."
        case .fbLateHourMany: "Submitted {0} hours late: {1}% of the points earned is taken off."
        case .fbLateDayOnePoints: "Submitted {0} day late: {1}% of the {2} points earned is taken off (-{3})."
        case .fbLateDayManyPoints: "Submitted {0} days late: {1}% of the {2} points earned is taken off (-{3})."
        case .fbLateHourOnePoints: "Submitted {0} hour late: {1}% of the {2} points earned is taken off (-{3})."
        case .fbLateHourManyPoints: "Submitted {0} hours late: {1}% of the {2} points earned is taken off (-{3})."
        case .fbLateNotApplied: "The late policy was not applied (nothing is taken off): {0}."
        case .fbMetadataUnreadable: "the submission metadata (submission_metadata.json) cannot be read ({0})"
        case .fbMetadataTooLarge: "the submission metadata (submission_metadata.json) is larger than {0} bytes"
        case .fbMetadataNotJSON: "the submission metadata (submission_metadata.json) is not a JSON object"
        case .fbMetadataField: "the submission metadata has no {0}, or it is not an ISO 8601 time"
        case .fbFeedbackTitle: "Feedback"
        case .fbSubmission: "Submission"
        case .fbScore: "Score"
        case .fbNotGraded: "Not graded"
        case .fbExerciseColumn: "exercise"
        case .fbResultColumn: "result"
        case .fbScoreColumn: "score"
        case .fbPassed: "✓ passed"
        case .fbNotYet: "✗ not yet"
        case .fbYourAnswer: "Your answer"
        case .fbPosition: "line {0}, column {1}"
        case .fbMoreProblemsOne: "… and {0} more problem"
        case .fbMoreProblemsMany: "… and {0} more problems"
        case .fbProblems: "Problems in the answer blocks"
        case .fbShownLater: " (more exercises are graded and shown later)"
        case .fbWithheldHidden: "graded; the result is not shown"
        case .fbWithheldDue: "graded; the result is shown after the due date"
        case .fbWithheldPublished: "graded; the result is shown when grades are published"
        case .fbOwnCheckShownLater: " (more exercises count; this check does not show their results)"
        case .fbOwnCheckWithheldHidden: "not shown by this check; your grade does not show it either"
        case .fbOwnCheckWithheldDue: "not shown by this check; your grade shows it after the due date"
        case .fbOwnCheckWithheldPublished: "not shown by this check; your grade shows it when grades are published"
        case .fbTextNotGraded: "{0}: not graded: {1}"
        case .fbTextTotal: "total: {0}/{1}"
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
        case .stepsRanErrorsElsewhereOne: "{0}단계가 실행되었습니다"
        case .stepsRanErrorsElsewhereMany: "{0}단계가 실행되었습니다"
        case .keyExercisesOne: "연습 문제 {0}개, {1}{2}"
        case .keyExercisesMany: "연습 문제 {0}개, 모두 {1}{2}"
        case .keyAnswersPass: ". 정답 파일의 답이 모두 통과합니다"
        case .keyAnswersSomePass: ". 정답 파일의 답 중 {0}개가 통과합니다"
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
        case .hiddenFromSolution: "답이 공개될 때까지 숨겨집니다: 이 단계는 풀이에서 계산된 {0}을(를) 씁니다."
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
        case .tokenCountOne: "토큰 1개"
        case .tokenCountMany: "토큰 {0}개"
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
        case .fbOneNumber: "숫자 하나"
        case .fbNumbersOne: "숫자 {0}개의 목록"
        case .fbNumbersMany: "숫자 {0}개의 목록"
        case .fbMatrix: "{0}×{1} 행렬"
        case .fbTokensOne: "따옴표로 묶은 토큰 {0}개의 목록"
        case .fbTokensMany: "따옴표로 묶은 토큰 {0}개의 목록"
        case .fbOneText: "따옴표로 묶은 텍스트 하나"
        case .fbTableOne: "{0}행 × {1}열의 표({2}) 또는 그 숫자 열만"
        case .fbTableMany: "{0}행 × {1}열의 표({2}) 또는 그 숫자 열만"
        case .fbNetwork: "신경망 (답으로 쓸 수 없는 값)"
        case .fbWrittenText: "텍스트"
        case .fbWrittenNumber: "숫자 하나"
        case .fbWrittenList: "{0}개의 목록"
        case .fbNoAnswer: "답이 없습니다. ```answer {0}``` 블록에 답을 적으세요(필요한 형태: {1})."
        case .fbUnreadable: "답을 읽을 수 없습니다: {0} ({1}). 필요한 형태: {2}."
        case .fbShapeProblem: "필요한 형태는 {0}인데, 답은 {1}입니다"
        case .fbWrongShape: "형태가 다릅니다: {0}."
        case .fbExpectedValue: "기댓값: {0}."
        case .fbWithinTolerance: "기댓값과의 차이가 {0} 이내"
        case .fbExactly: "기댓값과 정확히 같은 값"
        case .fbNotExactly: "답이 기댓값과 정확히 같지 않습니다"
        case .fbEqualTo: "기댓값과 일치하는 {0}"
        case .fbKindTokens: "토큰"
        case .fbKindText: "텍스트"
        case .fbKindEntries: "항목"
        case .fbCorrect: "정답입니다."
        case .fbAllCorrect: "정답입니다: {0}개 항목이 모두 {1}입니다."
        case .fbExpectedShape: "필요한 형태: {0}. "
        case .fbNotWithinTolerance: "답이 기댓값과의 차이가 {0} 이내가 아닙니다"
        case .fbNotEqualTo: "답이 기댓값({0})과 일치하지 않습니다"
        case .fbCountWithin: "{0}개 중 {1}개 항목이 {2}입니다"
        case .fbBlanks: "; {0}개는 비어 있습니다(?)"
        case .fbTextForNumberOne: "; {0}개는 숫자 자리에 \"텍스트\"가 있습니다"
        case .fbTextForNumberMany: "; {0}개는 숫자 자리에 \"텍스트\"가 있습니다"
        case .fbNumberForTextOne: "; {0}개는 따옴표 텍스트 자리에 숫자가 있습니다"
        case .fbNumberForTextMany: "; {0}개는 따옴표 텍스트 자리에 숫자가 있습니다"
        case .fbWrongCells: "틀린 항목 (행, 열): "
        case .fbWrongPositions: "틀린 항목 (위치): "
        case .fbInAll: ", … (모두 {0}개)"
        case .fbStepDidNotRun: "이 연습 문제의 단계가 실행되지 않아 채점할 수 없습니다(답이 아니라 수업 파일의 문제입니다)."
        case .fbKeyStepDidNotRun: "이 연습 문제의 단계가 정답 파일에서 실행되지 않아 채점할 수 없습니다(답이 아니라 정답 파일의 문제입니다)."
        case .fbCopyStepDidNotRun: "이 사본에서는 연습 문제의 단계가 실행되지 않아 여기서 확인할 수 없습니다. 까닭은 파일의 다른 오류에 있습니다: 답 블록 밖을 고친 것(지운 ```이나 줄)이거나 이 컴퓨터의 사정(없는 모델, 시간 한도)입니다."
        case .fbNoAnswerGiven: "답을 적지 않았습니다(아직 ?로 남아 있습니다). 필요한 형태: {0}."
        case .fbDigits: "숫자로 적으세요(필요하면 부호, 소수점, e-3 같은 지수; 음의 무한대는 -inf)"
        case .fbForm: "{0} 꼴로, 각 ? 자리에 숫자를 적으세요"
        case .fbNotALiteral: "답을 읽을 수 없습니다: '{0}'은(는) 값이 아닙니다({1}). 필요한 형태: {2}. {3}."
        case .fbBareWord: "'{0}'은(는) 값이 아닙니다. 이 답에는 숫자를 적어야 합니다"
        case .fbOnTime: "기한 안에 제출했습니다. 감점은 없습니다."
        case .fbLateDayOne: "마감보다 {0}일 늦게 제출했습니다: 얻은 점수의 {1}%를 감점합니다."
        case .fbLateDayMany: "마감보다 {0}일 늦게 제출했습니다: 얻은 점수의 {1}%를 감점합니다."
        case .fbLateHourOne: "마감보다 {0}시간 늦게 제출했습니다: 얻은 점수의 {1}%를 감점합니다."
        case .fbLateHourMany: "마감보다 {0}시간 늦게 제출했습니다: 얻은 점수의 {1}%를 감점합니다."
        case .fbLateDayOnePoints: "마감보다 {0}일 늦게 제출했습니다: 얻은 {2}점의 {1}%를 감점합니다(-{3})."
        case .fbLateDayManyPoints: "마감보다 {0}일 늦게 제출했습니다: 얻은 {2}점의 {1}%를 감점합니다(-{3})."
        case .fbLateHourOnePoints: "마감보다 {0}시간 늦게 제출했습니다: 얻은 {2}점의 {1}%를 감점합니다(-{3})."
        case .fbLateHourManyPoints: "마감보다 {0}시간 늦게 제출했습니다: 얻은 {2}점의 {1}%를 감점합니다(-{3})."
        case .fbLateNotApplied: "지각 감점을 적용하지 못했습니다(감점 없음): {0}."
        case .fbMetadataUnreadable: "제출 정보 파일(submission_metadata.json)을 읽을 수 없습니다({0})"
        case .fbMetadataTooLarge: "제출 정보 파일(submission_metadata.json)이 {0}바이트보다 큽니다"
        case .fbMetadataNotJSON: "제출 정보 파일(submission_metadata.json)이 JSON 객체가 아닙니다"
        case .fbMetadataField: "제출 정보에 {0} 항목이 없거나 ISO 8601 시각이 아닙니다"
        case .fbFeedbackTitle: "피드백"
        case .fbSubmission: "제출물"
        case .fbScore: "점수"
        case .fbNotGraded: "채점하지 못했습니다"
        case .fbExerciseColumn: "연습 문제"
        case .fbResultColumn: "결과"
        case .fbScoreColumn: "점수"
        case .fbPassed: "✓ 통과"
        case .fbNotYet: "✗ 아직"
        case .fbYourAnswer: "내 답"
        case .fbPosition: "{0}행 {1}열"
        case .fbMoreProblemsOne: "… 그 밖에 문제 {0}개"
        case .fbMoreProblemsMany: "… 그 밖에 문제 {0}개"
        case .fbProblems: "답 블록의 문제"
        case .fbShownLater: " (나머지 연습 문제는 채점되었고 나중에 공개됩니다)"
        case .fbWithheldHidden: "채점됨. 결과는 공개되지 않습니다"
        case .fbWithheldDue: "채점됨. 결과는 마감 후 공개됩니다"
        case .fbWithheldPublished: "채점됨. 결과는 성적 공개 때 보입니다"
        case .fbOwnCheckShownLater: " (연습 문제가 더 있습니다. 이 확인에서는 그 결과를 보여 주지 않습니다)"
        case .fbOwnCheckWithheldHidden: "이 확인에서는 보여 주지 않습니다. 성적에도 공개되지 않습니다"
        case .fbOwnCheckWithheldDue: "이 확인에서는 보여 주지 않습니다. 성적에는 마감 후 공개됩니다"
        case .fbOwnCheckWithheldPublished: "이 확인에서는 보여 주지 않습니다. 성적 공개 때 보입니다"
        case .fbTextNotGraded: "{0}: 채점하지 못했습니다: {1}"
        case .fbTextTotal: "합계: {0}/{1}"
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

    /// "{0} of {1} …": the noun agrees with the total, as English says "1 of 2 steps failed".
    public func count(_ n: Int, of total: Int, one: StringKey, many: StringKey) -> String {
        Self.fill(self[total == 1 ? one : many], [String(n), String(total)])
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
        case .fromSolution(let names): return s(.hiddenFromSolution, names.joined(separator: ", "))
        }
    }
}
