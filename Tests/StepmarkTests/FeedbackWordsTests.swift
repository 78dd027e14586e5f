import Foundation
import Testing
import StepmarkCore
@testable import StepmarkGrade
@testable import StepmarkLesson

/// Feedback speaks the key's language (SPEC §8): a Korean key gives Korean feedback and a
/// Korean feedback page, with no English word from stepmark in them.
@Suite struct FeedbackWordsTests {
    static let key = """
        ---
        lang: ko
        ---

        ```softmax exercise=sm
        [0, 0]
        ```

        ```answer sm
        [0.5, 0.5]
        ```

        ```let exercise=m tol=0.1
        M = [[1, 2], [3, 4]]
        ```

        ```answer m
        [[1, 2], [3, 4]]
        ```

        ```tokenize exercise=t
        고양이 는
        ```

        ```answer t
        ["고양이", "는"]
        ```

        ```let exercise=later visibility=after_due_date
        x = 1
        ```

        ```answer later
        1
        ```
        """

    /// English words stepmark itself could write; ids, `answer` and numbers are the lesson's.
    static func englishWords(_ text: String, allowing allowed: Set<String>) -> [String] {
        text.split(whereSeparator: { !$0.isASCII || !$0.isLetter }).map(String.init)
            .filter { $0.count > 1 && !allowed.contains($0) }
    }

    @Test func aKoreanKeyGivesKoreanFeedback() throws {
        let grader = Grader(key: LessonParser.parse(Self.key, path: "key.md"))
        #expect(grader.language == .korean && grader.keyCheck.allSatisfy(\.passed))
        let submissions = [
            "```answer sm\n[0.5, 0.5]\n```\n",                                   // right
            "```answer sm\n[0.9, ?]\n```\n\n```answer m\n[1, 2]\n```\n",          // wrong, blank, wrong shape
            "```answer m\n[[1, \"x\"], [3, 9]]\n```\n\n```answer t\n[\"개\", \"는\"]\n```\n",
            "```answer sm\nsoftmax(1)\n```\n",                                    // unreadable
        ]
        let allowed: Set<String> = ["sm", "answer", "later"]
        for text in submissions {
            let outcome = grader.grade(submissionText: text, path: "s.md")
            for e in outcome.exercises {
                // The parser's own message inside "could not be read" is Korean too (Phrasebook).
                #expect(Self.englishWords(e.feedback, allowing: allowed.union(["softmax"])).isEmpty, "\(e.id): \(e.feedback)")
                #expect(e.feedback.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, "\(e.id): \(e.feedback)")
            }
            // The page quotes the answers (softmax, x) in ```text fences; the answer parser's
            // own messages (in the problems section) are Korean too, and so is Gradescope's output.
            let page = FeedbackPage.markdown(outcome, name: "학생")
            let pageWords = Self.englishWords(page.replacingOccurrences(of: "s.md", with: ""), allowing: allowed.union(["md", "text", "softmax", "x"]))
            #expect(pageWords.isEmpty, "\(pageWords)")
            let results = outcome.gradescope().serialized()
            for line in outcome.errorLines { #expect(Self.englishWords(line, allowing: allowed.union(["softmax"])).isEmpty, "\(line)") }
            #expect(!results.contains("is not a") && !results.contains("could not be read"), "\(results)")
            // `stepmark check`'s text, which the student reads, too.
            let text = outcome.text(path: "s.md")
            #expect(text.contains("합계: ") && !text.contains("total:"), "\(text)")
            #expect(Self.englishWords(text.replacingOccurrences(of: "s.md", with: ""), allowing: allowed.union(["softmax", "x", "l1"])).isEmpty, "\(text)")
            if !outcome.lessonErrors.isEmpty { #expect(outcome.errorLines.allSatisfy { $0.hasPrefix("2행 ") }, "\(outcome.errorLines)") }
            #expect(FeedbackPage.html(outcome, name: "학생").contains("<html lang=\"ko\">"))
        }
        // Hand-checked sentences: 2 entries within 0.01, and one wrong, one blank.
        let right = grader.grade(submissionText: submissions[0], path: "s.md").exercises[0].feedback
        #expect(right == "정답입니다: 2개 항목이 모두 기댓값과의 차이가 0.01 이내입니다.")
        let wrong = grader.grade(submissionText: submissions[1], path: "s.md").exercises
        #expect(wrong[0].feedback.hasPrefix("필요한 형태: 숫자 2개의 목록. 2개 중 0개 항목이 기댓값과의 차이가 0.01 이내입니다; 1개는 비어 있습니다(?)."))
        #expect(wrong[1].feedback == "형태가 다릅니다: 필요한 형태는 2×2 행렬인데, 답은 2개의 목록입니다.")
    }

    /// An English key (and a key with no language) keeps the English sentences.
    @Test func englishStaysEnglish() {
        let grader = Grader(key: LessonParser.parse("```softmax exercise=sm\n[0, 0]\n```\n\n```answer sm\n[0.5, 0.5]\n```\n", path: "lessons/en/k.md"))
        #expect(grader.grade(submissionText: "```answer sm\n[0.5, 0.5]\n```\n", path: "s.md").exercises[0].feedback
                == "Correct: all 2 entries are within 0.01 of the expected value.")
        #expect(grader.grade(submissionText: "```answer sm\n[0.5, 0.5]\n```\n", path: "s.md").text(path: "s.md").hasSuffix("total: 1/1\n"))
        #expect(LessonLanguage.of(path: "course/ko/a.md", frontMatter: nil) == .korean)
        var fm = FrontMatter(lineCount: 3)
        fm.lang = "ko-KR"
        #expect(LessonLanguage.of(path: "course/en/a.md", frontMatter: fm) == .korean)
        fm.lang = "fr"
        #expect(LessonLanguage.of(path: "a.md", frontMatter: fm) == .english)
    }

    /// Feedback's words are entries of the one strings table; what is compared is named in
    /// the language of the key (tokens are 토큰, not 항목), and English is as it was.
    @Test func comparisonWordsFollowWhatIsCompared() {
        let tokens = Value.tokens(TokenList(["고양이", "는"]))
        let number = Value.tensor(.scalar(1))
        #expect(FeedbackWords.korean.criterion(.equal(tokens)) == "기댓값과 일치하는 토큰")
        #expect(FeedbackWords.english.criterion(.equal(tokens)) == "equal to the expected tokens")
        #expect(FeedbackWords.english.criterion(.equal(number)) == "equal to the expected entries")
        #expect(FeedbackWords.korean.notWithin(.within(tolerance: "0.01")) == "답이 기댓값과의 차이가 0.01 이내가 아닙니다")
        #expect(FeedbackWords.english.notWithin(.within(tolerance: "0.01")) == "The answer is not within 0.01 of the expected value")
        // Text needs no particle after the kind (it read 텍스트이(가), a student review).
        #expect(FeedbackWords.korean.notWithin(.equal(.text("강가"))) == "답이 기댓값(텍스트)과 일치하지 않습니다")
        // tol=0: not "within 0 of the expected value".
        #expect(FeedbackWords.english.notWithin(.exact) == "The answer is not exactly the expected value")
        #expect(FeedbackWords.korean.notWithin(.exact) == "답이 기댓값과 정확히 같지 않습니다")
        let exact = Exercises.grade(expected: .tensor(.vector([2, 3])), spec: ExerciseSpec(id: "e", points: 1, tolerance: 0, check: nil, partial: false, position: SourcePosition(line: 1, column: 1)),
                                    answer: .literal(AnswerLiteral(shape: [2], cells: [.number(2), .number(3.001)])), reveal: false)
        #expect(exact.feedback.contains("1 of 2 entries are exactly the expected value"), "\(exact.feedback)")
        #expect(!exact.feedback.contains("within 0"), "\(exact.feedback)")
        #expect(FeedbackWords.english.lateDeduction(periods: "1", day: true, percent: "10", earned: "4", deducted: "0.4")
                == "Submitted 1 day late: 10% of the 4 points earned is taken off (-0.4).")
        #expect(FeedbackWords.english.lateDeduction(periods: "3", day: false, percent: "5", earned: nil, deducted: "0")
                == "Submitted 3 hours late: 5% of the points earned is taken off.")
        #expect(FeedbackWords.korean.lateDeduction(periods: "3", day: false, percent: "5", earned: nil, deducted: "0")
                == "마감보다 3시간 늦게 제출했습니다: 얻은 점수의 5%를 감점합니다.")
        #expect(FeedbackWords.english.misplaced(1, numeric: true) == "; 1 is \"text\" where a number belongs")
        #expect(FeedbackWords.english.moreProblems(2) == "… and 2 more problems")
        #expect(FeedbackWords.korean.describe(.tensor(.matrix([[1, 2], [3, 4]]))) == "2×2 행렬")
    }
}
